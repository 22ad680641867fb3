import {
  ApiEntityV1alpha1,
  ComponentEntityV1alpha1,
  DEFAULT_NAMESPACE,
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  MAAS_AUTH_MODE_ANNOTATION,
  MAAS_BOUND_ENTITY_ANNOTATION,
  MAAS_CATALOG_ENTITIES_ANNOTATION,
  MAAS_HOSTNAME_ANNOTATION,
  MAAS_HTTP_ROUTE_ANNOTATION,
  MAAS_INFERENCE_SERVICE_ANNOTATION,
  MAAS_MODEL_OWNER_ANNOTATION,
  ModelEntities,
  MODEL_SERVER_COMPONENT_TYPE,
  OPENAI_API_TYPE,
} from '@maas-portal/plugin-maas-common';
import { InferenceService } from '@maas-portal/plugin-maas-node';

/** Where such entities come from, for the catalog's `managed-by-location` annotations. */
export const CLUSTER_LOCATION_PREFIX = 'maas-cluster:';

/** The label KServe puts on a model's pods, and Create model on the model's own objects. */
const MODEL_SELECTOR_LABEL = 'serving.kserve.io/inferenceservice';
/** A catalog tag (Backstage's rule), else the catalog would refuse the whole entity. */
const TAG = /^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$/;
const HOSTNAME =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;

/** Which InferenceServices may become entities, and how their endpoint is written. */
export interface ModelEntityOptions {
  /** `maas.namespace`: its models' entities are in the catalog's `default` namespace. */
  portalNamespace: string;
  /** `maas.catalog.namespaces`: InferenceServices anywhere else are ignored. */
  namespaces: string[];
  /** `maas.scheme`, for the endpoint link. */
  scheme: 'http' | 'https';
}

/**
 * The entity refs of the model whose InferenceService is `namespace/name`, as Create model names
 * them (scaffolder module, manifests/catalogInfo.ts): a Component of the InferenceService's name,
 * its API `<name>-api`, in the catalog namespace `default` for the portal's namespace and the
 * Kubernetes namespace for any other. Derived, so no annotation can claim another model's name.
 */
export function modelEntityNames(
  isvc: { namespace: string; name: string },
  portalNamespace: string,
) {
  const namespace =
    isvc.namespace === portalNamespace ? DEFAULT_NAMESPACE : isvc.namespace;
  return {
    namespace,
    component: `component:${namespace}/${isvc.name}`,
    api: `api:${namespace}/${isvc.name}-api`,
    apiName: `${isvc.name}-api`,
  };
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() ? value : undefined;

/** A full entity ref of one of `kinds` (the first is the default), or undefined. */
function entityRef(value: unknown, ...kinds: string[]): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const ref = parseEntityRef(value, {
      defaultKind: kinds[0],
      defaultNamespace: DEFAULT_NAMESPACE,
    });
    return kinds.includes(ref.kind.toLocaleLowerCase('en-US'))
      ? stringifyEntityRef(ref)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * This model's entities, built from its InferenceService: names, namespaces, the Kubernetes tab's
 * namespace and label selector, and every annotation are derived from the InferenceService; the
 * annotation's JSON gives only what describes the model (description, tags, system, host name,
 * auth mode, the OpenAPI document). The owner is the one the InferenceService records, when it
 * records one. A string naming what is missing when the annotation cannot be used.
 */
function buildEntities(
  isvc: InferenceService,
  parsed: unknown,
  options: ModelEntityOptions,
): Entity[] | string {
  const namespace = isvc.metadata.namespace!;
  const name = isvc.metadata.name!;
  const names = modelEntityNames({ namespace, name }, options.portalNamespace);
  if (!Array.isArray(parsed))
    return `${MAAS_CATALOG_ENTITIES_ANNOTATION} is not a list of entities`;
  const given = parsed as Array<Partial<Entity> | undefined>;
  const component = given.find(e => e?.kind === 'Component');
  const api = given.find(e => e?.kind === 'API');
  if (!component?.metadata || !component.spec)
    return `${MAAS_CATALOG_ENTITIES_ANNOTATION} holds no Component`;
  const owner =
    entityRef(
      isvc.metadata.annotations?.[MAAS_MODEL_OWNER_ANNOTATION],
      'group',
      'user',
    ) ?? entityRef(component.spec.owner, 'group', 'user');
  if (!owner)
    return `no owner: set ${MAAS_MODEL_OWNER_ANNOTATION} on the InferenceService (a group or user entity ref)`;
  const definition = text(api?.spec?.definition);
  if (!definition)
    return `${MAAS_CATALOG_ENTITIES_ANNOTATION} holds no API with its OpenAPI definition`;
  const bound = isvc.metadata.annotations?.[MAAS_BOUND_ENTITY_ANNOTATION];
  if (bound && bound !== names.component)
    return `the InferenceService names ${bound} (${MAAS_BOUND_ENTITY_ANNOTATION}), but a model in ${namespace} named ${name} is ${names.component}`;

  const described = component.metadata.annotations ?? {};
  const hostname = text(described[MAAS_HOSTNAME_ANNOTATION]);
  const authMode = described[MAAS_AUTH_MODE_ANNOTATION];
  const links =
    hostname && HOSTNAME.test(hostname)
      ? [{ url: `${options.scheme}://${hostname}`, title: 'Model endpoint' }]
      : [];
  const system = entityRef(component.spec.system, 'system');
  const description = text(component.metadata.description);
  const tags = Array.isArray(component.metadata.tags)
    ? component.metadata.tags.filter(
        (t): t is string =>
          typeof t === 'string' && t.length <= 63 && TAG.test(t),
      )
    : [];
  const location = `${CLUSTER_LOCATION_PREFIX}${namespace}/${name}`;
  const managed = {
    'backstage.io/managed-by-location': location,
    'backstage.io/managed-by-origin-location': location,
  };
  const inNamespace =
    names.namespace === DEFAULT_NAMESPACE ? {} : { namespace: names.namespace };
  const componentEntity: ComponentEntityV1alpha1 = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      ...inNamespace,
      ...(description ? { description } : {}),
      tags,
      links,
      annotations: {
        ...managed,
        [MAAS_INFERENCE_SERVICE_ANNOTATION]: `${namespace}/${name}`,
        [MAAS_HTTP_ROUTE_ANNOTATION]: `${namespace}/${name}-route`,
        ...(hostname && HOSTNAME.test(hostname)
          ? { [MAAS_HOSTNAME_ANNOTATION]: hostname }
          : {}),
        ...(authMode === 'api-key' || authMode === 'oidc'
          ? { [MAAS_AUTH_MODE_ANNOTATION]: authMode }
          : {}),
        'backstage.io/kubernetes-id': name,
        'backstage.io/kubernetes-namespace': namespace,
        'backstage.io/kubernetes-label-selector': `${MODEL_SELECTOR_LABEL}=${name}`,
      },
    },
    spec: {
      type: MODEL_SERVER_COMPONENT_TYPE,
      lifecycle: 'production',
      owner,
      ...(system ? { system } : {}),
      providesApis: [names.api],
    },
  };
  const apiEntity: ApiEntityV1alpha1 = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: {
      name: names.apiName,
      ...inNamespace,
      description: `OpenAI-compatible endpoint of ${name}`,
      links,
      annotations: managed,
    },
    spec: {
      type: OPENAI_API_TYPE,
      lifecycle: 'production',
      owner,
      ...(system ? { system } : {}),
      definition,
    },
  };
  return [componentEntity, apiEntity];
}

/**
 * The catalog entities of models the portal applied itself: each such InferenceService, in one of
 * `maas.catalog.namespaces`, carries a description of its entities as JSON in an annotation. The
 * entities are built from the InferenceService (see `buildEntities`), so an annotation can neither
 * name another model's entity nor point the Kubernetes tab at another namespace.
 */
export function modelEntitiesFromCluster(
  inferenceServices: InferenceService[],
  options: ModelEntityOptions,
): ModelEntities {
  const entities: Entity[] = [];
  const rejected: ModelEntities['rejected'] = [];
  const served = new Set(options.namespaces);
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
    const reject = (reason: string) =>
      void rejected.push({ inferenceService: ref, reason });
    if (!served.has(isvc.metadata.namespace!)) {
      reject(
        `namespace ${
          isvc.metadata.namespace
        } is not one of maas.catalog.namespaces (${options.namespaces.join(
          ', ',
        )}); add it there if its models belong in the catalog`,
      );
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      reject(`${MAAS_CATALOG_ENTITIES_ANNOTATION} is not JSON`);
      continue;
    }
    const built = buildEntities(isvc, parsed, options);
    if (typeof built === 'string') {
      reject(built);
      continue;
    }
    const taken = built.map(e => stringifyEntityRef(e)).find(e => given.has(e));
    if (taken) {
      reject(
        `${taken} is already the entity of ${given.get(
          taken,
        )}, an older model of the same name`,
      );
      continue;
    }
    for (const e of built) given.set(stringifyEntityRef(e), ref);
    entities.push(...built);
  }
  return { entities, rejected };
}
