/** The one table of the Kubernetes kinds the suite reads or writes, for both backend packages. */

/**
 * A Kubernetes resource kind; its apiVersion is `group/version` (`version` for the core group).
 *
 * @public
 */
export interface ResourceKind {
  kind: string;
  group: string;
  version: string;
  plural: string;
  /** What installs its CRD, for "X is not installed": "KServe", "Kuadrant", "Gateway API". */
  product: string;
}

/** @public */
export const SERVING_RUNTIME: ResourceKind = {
  kind: 'ServingRuntime',
  group: 'serving.kserve.io',
  version: 'v1alpha1',
  plural: 'servingruntimes',
  product: 'KServe',
};
/** @public */
export const INFERENCE_SERVICE: ResourceKind = {
  kind: 'InferenceService',
  group: 'serving.kserve.io',
  version: 'v1beta1',
  plural: 'inferenceservices',
  product: 'KServe',
};
/** @public */
export const HTTP_ROUTE: ResourceKind = {
  kind: 'HTTPRoute',
  group: 'gateway.networking.k8s.io',
  version: 'v1',
  plural: 'httproutes',
  product: 'Gateway API',
};
/** @public */
export const GATEWAY: ResourceKind = {
  kind: 'Gateway',
  group: 'gateway.networking.k8s.io',
  version: 'v1',
  plural: 'gateways',
  product: 'Gateway API',
};
/** @public */
export const AUTH_POLICY: ResourceKind = {
  kind: 'AuthPolicy',
  group: 'kuadrant.io',
  version: 'v1',
  plural: 'authpolicies',
  product: 'Kuadrant',
};
/** @public */
export const RATE_LIMIT_POLICY: ResourceKind = {
  kind: 'RateLimitPolicy',
  group: 'kuadrant.io',
  version: 'v1',
  plural: 'ratelimitpolicies',
  product: 'Kuadrant',
};
/** @public */
export const TOKEN_RATE_LIMIT_POLICY: ResourceKind = {
  kind: 'TokenRateLimitPolicy',
  group: 'kuadrant.io',
  version: 'v1alpha1',
  plural: 'tokenratelimitpolicies',
  product: 'Kuadrant',
};
/** @public */
export const TELEMETRY_POLICY: ResourceKind = {
  kind: 'TelemetryPolicy',
  group: 'extensions.kuadrant.io',
  version: 'v1alpha1',
  plural: 'telemetrypolicies',
  product: 'Kuadrant 1.3 or newer',
};
/** @public */
export const SECRET: ResourceKind = {
  kind: 'Secret',
  group: '',
  version: 'v1',
  plural: 'secrets',
  product: 'Kubernetes',
};

/**
 * What the suite does with each kind: the backend watches some (model pages read them from its
 * caches); `maas:model:apply` writes others, in this order, and nothing else, so that a template
 * cannot use the portal's account for more. Secrets are neither: only key Secrets, by their API.
 */
const KIND_TABLE: ReadonlyArray<{
  kind: ResourceKind;
  watched: boolean;
  applied: boolean;
}> = [
  { kind: SERVING_RUNTIME, watched: false, applied: true },
  { kind: INFERENCE_SERVICE, watched: true, applied: true },
  { kind: HTTP_ROUTE, watched: true, applied: true },
  // Health reads the Gateway's verdict from the route's status; no page reads Gateway objects.
  { kind: GATEWAY, watched: false, applied: false },
  { kind: AUTH_POLICY, watched: true, applied: true },
  { kind: RATE_LIMIT_POLICY, watched: true, applied: true },
  { kind: TOKEN_RATE_LIMIT_POLICY, watched: true, applied: true },
  { kind: TELEMETRY_POLICY, watched: true, applied: false },
];

/**
 * The kinds the model pages read, each kept in a watch-based cache by the backend.
 *
 * @public
 */
export const WATCHED_KINDS: readonly ResourceKind[] = KIND_TABLE.filter(
  k => k.watched,
).map(k => k.kind);

/**
 * The kinds of a model's objects, the only ones `maas:model:apply` writes.
 *
 * @public
 */
export const MODEL_KINDS: readonly ResourceKind[] = KIND_TABLE.filter(
  k => k.applied,
).map(k => k.kind);

/** @public */
export function apiVersionOf(kind: ResourceKind): string {
  return kind.group ? `${kind.group}/${kind.version}` : kind.version;
}

/**
 * The API path of a kind across all namespaces, e.g. `/apis/kuadrant.io/v1/ratelimitpolicies`.
 *
 * @public
 */
export function clusterPath(kind: ResourceKind): string {
  return kind.group
    ? `/apis/${kind.group}/${kind.version}/${kind.plural}`
    : `/api/${kind.version}/${kind.plural}`;
}

/**
 * `plural.group` as RBAC and the API server name it, e.g. `authpolicies.kuadrant.io`.
 *
 * @public
 */
export function qualifiedResource(kind: ResourceKind): string {
  return kind.group ? `${kind.plural}.${kind.group}` : kind.plural;
}

/**
 * The model kind of this name, if it is one.
 *
 * @public
 */
export function modelKind(kind: string | undefined): ResourceKind | undefined {
  return MODEL_KINDS.find(k => k.kind === kind);
}
