import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  MAAS_BOUND_ENTITY_ANNOTATION,
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
 * Why `entities` are not exactly this model's own, or undefined when they are: one Component that
 * names this InferenceService (and is the entity the InferenceService names back, when it names
 * one), and only the APIs that Component provides. Anything else would let one model's annotation
 * register entities for other models.
 */
function foreignEntities(
  isvc: InferenceService,
  ref: string,
  entities: Entity[],
): string | undefined {
  const shape = `${MAAS_CATALOG_ENTITIES_ANNOTATION} must hold one Component annotated with ${MAAS_INFERENCE_SERVICE_ANNOTATION}: ${ref}, and the APIs it provides`;
  const components = entities.filter(e => e.kind === 'Component');
  if (components.length !== 1) return shape;
  const [component] = components;
  if (
    component.metadata.annotations?.[MAAS_INFERENCE_SERVICE_ANNOTATION] !== ref
  )
    return shape;
  const named = isvc.metadata.annotations?.[MAAS_BOUND_ENTITY_ANNOTATION];
  if (named && named !== stringifyEntityRef(component)) {
    return `${MAAS_CATALOG_ENTITIES_ANNOTATION} holds ${stringifyEntityRef(
      component,
    )}, but the InferenceService names ${named} (${MAAS_BOUND_ENTITY_ANNOTATION})`;
  }
  const provided = new Set(
    ((component.spec?.providesApis as string[] | undefined) ?? []).map(api =>
      stringifyEntityRef(
        parseEntityRef(api, {
          defaultKind: 'api',
          defaultNamespace: component.metadata.namespace ?? 'default',
        }),
      ),
    ),
  );
  const other = entities.find(
    e =>
      e !== component &&
      (e.kind !== 'API' || !provided.has(stringifyEntityRef(e))),
  );
  return other
    ? `${shape}; ${stringifyEntityRef(other)} is not one of them`
    : undefined;
}

/**
 * The catalog entities of models the portal applied itself: each such InferenceService carries
 * them as JSON in an annotation. Only the one Component that names this very InferenceService, and
 * the APIs it provides, are taken, so an annotation cannot register entities for another model.
 */
export function modelEntitiesFromCluster(
  inferenceServices: InferenceService[],
): ModelEntities {
  const entities: Entity[] = [];
  const rejected: ModelEntities['rejected'] = [];
  /** Entity ref → the InferenceService that gave it: the older model keeps a contested name. */
  const given = new Map<string, string>();
  const createdAt = (isvc: InferenceService) =>
    new Date(isvc.metadata.creationTimestamp ?? 0).getTime() || 0;
  const oldestFirst = [...inferenceServices].sort(
    (a, b) => createdAt(a) - createdAt(b),
  );
  for (const isvc of oldestFirst) {
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
    const problem = foreignEntities(isvc, ref, parsed);
    if (problem) {
      rejected.push({ inferenceService: ref, reason: problem });
      continue;
    }
    const taken = parsed
      .map(e => stringifyEntityRef(e))
      .find(e => given.has(e));
    if (taken) {
      rejected.push({
        inferenceService: ref,
        reason: `${taken} is already the entity of ${given.get(
          taken,
        )}; a model of the same name in another namespace needs entities of its own names`,
      });
      continue;
    }
    for (const e of parsed) given.set(stringifyEntityRef(e), ref);
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
