import { Entity } from '@backstage/catalog-model';

/**
 * `GET /api/maas/catalog/entities`: the catalog entities of models the portal applied itself,
 * read from their InferenceServices; the suite's catalog module registers them.
 *
 * @public
 */
export interface ModelEntities {
  entities: Entity[];
  /** InferenceServices whose annotation could not be used, with the reason. */
  rejected: Array<{ inferenceService: string; reason: string }>;
}

/**
 * The events topic (Backstage's `EventsService`) on which the suite says that a model's cluster
 * objects changed in a way the catalog shows: Create model applied it, or an admin adopted it.
 * The suite's catalog module reads the model entities again at once instead of at its next pass.
 *
 * @public
 */
export const MODEL_CATALOG_CHANGED_TOPIC = 'maas.model.catalog-changed';

/**
 * The payload of {@link MODEL_CATALOG_CHANGED_TOPIC}.
 *
 * @public
 */
export interface ModelCatalogChanged {
  /** The model's entity, e.g. `component:default/qwen3`. */
  entityRef: string;
  /** Its InferenceService, `<namespace>/<name>`. */
  inferenceService: string;
}
