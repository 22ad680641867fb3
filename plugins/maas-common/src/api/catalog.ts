import { Entity } from '@backstage/catalog-model';

/**
 * `GET /api/maas/catalog/entities`: the catalog entities of models the portal applied itself,
 * read from their InferenceServices; the suite's catalog module registers them.
 */
export interface ModelEntities {
  entities: Entity[];
  /** InferenceServices whose annotation could not be used, with the reason. */
  rejected: Array<{ inferenceService: string; reason: string }>;
}
