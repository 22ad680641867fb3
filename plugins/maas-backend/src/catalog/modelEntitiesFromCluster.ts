import { Entity } from '@backstage/catalog-model';
import {
  MAAS_CATALOG_ENTITIES_ANNOTATION,
  MAAS_INFERENCE_SERVICE_ANNOTATION,
  ModelEntities,
} from '@maas-portal/plugin-maas-common';
import { InferenceService } from '@maas-portal/plugin-maas-node';

/** Where such entities come from, for the catalog's `managed-by-location` annotations. */
export const CLUSTER_LOCATION_PREFIX = 'maas-cluster:';

function isEntity(value: unknown): value is Entity {
  const e = value as Entity;
  return (
    !!e &&
    typeof e === 'object' &&
    typeof e.apiVersion === 'string' &&
    typeof e.kind === 'string' &&
    typeof e.metadata?.name === 'string'
  );
}

/**
 * The catalog entities of models the portal applied itself: each such InferenceService carries
 * them as JSON in an annotation. Only a Component that names this very InferenceService, and the
 * APIs beside it, are taken, so an annotation cannot claim another model.
 */
export function modelEntitiesFromCluster(
  inferenceServices: InferenceService[],
): ModelEntities {
  const entities: Entity[] = [];
  const rejected: ModelEntities['rejected'] = [];
  for (const isvc of inferenceServices) {
    const raw = isvc.metadata.annotations?.[MAAS_CATALOG_ENTITIES_ANNOTATION];
    if (!raw) continue;
    const ref = `${isvc.metadata.namespace}/${isvc.metadata.name}`;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      rejected.push({
        inferenceService: ref,
        reason: `${MAAS_CATALOG_ENTITIES_ANNOTATION} is not JSON`,
      });
      continue;
    }
    if (!Array.isArray(parsed) || !parsed.every(isEntity)) {
      rejected.push({
        inferenceService: ref,
        reason: `${MAAS_CATALOG_ENTITIES_ANNOTATION} is not a list of entities`,
      });
      continue;
    }
    const ownComponent = parsed.some(
      e =>
        e.kind === 'Component' &&
        e.metadata.annotations?.[MAAS_INFERENCE_SERVICE_ANNOTATION] === ref,
    );
    if (
      !ownComponent ||
      parsed.some(e => e.kind !== 'Component' && e.kind !== 'API')
    ) {
      rejected.push({
        inferenceService: ref,
        reason: `${MAAS_CATALOG_ENTITIES_ANNOTATION} must hold a Component annotated with ${MAAS_INFERENCE_SERVICE_ANNOTATION}: ${ref}, and APIs`,
      });
      continue;
    }
    const location = `${CLUSTER_LOCATION_PREFIX}${ref}`;
    for (const entity of parsed) {
      entities.push({
        ...entity,
        metadata: {
          ...entity.metadata,
          annotations: {
            ...entity.metadata.annotations,
            'backstage.io/managed-by-location': location,
            'backstage.io/managed-by-origin-location': location,
          },
        },
      });
    }
  }
  return { entities, rejected };
}
