/** A Kubernetes resource kind the suite reads or writes. */
export interface ResourceKind {
  kind: string;
  group: string;
  version: string;
  plural: string;
  /** What is missing when its CRD is absent, for messages: "KServe", "Kuadrant", "Gateway API". */
  providedBy: string;
}

export const INFERENCE_SERVICE: ResourceKind = {
  kind: 'InferenceService',
  group: 'serving.kserve.io',
  version: 'v1beta1',
  plural: 'inferenceservices',
  providedBy: 'KServe',
};
export const HTTP_ROUTE: ResourceKind = {
  kind: 'HTTPRoute',
  group: 'gateway.networking.k8s.io',
  version: 'v1',
  plural: 'httproutes',
  providedBy: 'Gateway API',
};
export const GATEWAY: ResourceKind = {
  kind: 'Gateway',
  group: 'gateway.networking.k8s.io',
  version: 'v1',
  plural: 'gateways',
  providedBy: 'Gateway API',
};
export const AUTH_POLICY: ResourceKind = {
  kind: 'AuthPolicy',
  group: 'kuadrant.io',
  version: 'v1',
  plural: 'authpolicies',
  providedBy: 'Kuadrant',
};
export const RATE_LIMIT_POLICY: ResourceKind = {
  kind: 'RateLimitPolicy',
  group: 'kuadrant.io',
  version: 'v1',
  plural: 'ratelimitpolicies',
  providedBy: 'Kuadrant',
};
export const TOKEN_RATE_LIMIT_POLICY: ResourceKind = {
  kind: 'TokenRateLimitPolicy',
  group: 'kuadrant.io',
  version: 'v1alpha1',
  plural: 'tokenratelimitpolicies',
  providedBy: 'Kuadrant',
};
export const TELEMETRY_POLICY: ResourceKind = {
  kind: 'TelemetryPolicy',
  group: 'extensions.kuadrant.io',
  version: 'v1alpha1',
  plural: 'telemetrypolicies',
  providedBy: 'Kuadrant 1.3 or newer',
};
export const SECRET: ResourceKind = {
  kind: 'Secret',
  group: '',
  version: 'v1',
  plural: 'secrets',
  providedBy: 'Kubernetes',
};

/** The kinds the model pages read, each kept in a watch-based cache. */
export const WATCHED_KINDS = [
  INFERENCE_SERVICE,
  HTTP_ROUTE,
  GATEWAY,
  AUTH_POLICY,
  RATE_LIMIT_POLICY,
  TOKEN_RATE_LIMIT_POLICY,
  TELEMETRY_POLICY,
];

/** The API path of a kind across all namespaces, e.g. `/apis/kuadrant.io/v1/ratelimitpolicies`. */
export function clusterPath(kind: ResourceKind): string {
  return kind.group
    ? `/apis/${kind.group}/${kind.version}/${kind.plural}`
    : `/api/${kind.version}/${kind.plural}`;
}

export function apiVersionOf(kind: ResourceKind): string {
  return kind.group ? `${kind.group}/${kind.version}` : kind.version;
}
