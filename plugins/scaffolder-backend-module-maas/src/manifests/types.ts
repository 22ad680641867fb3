import { ObjectRef, RateLimit } from '@maas-portal/plugin-maas-common';
import {
  AuthPolicyManifest,
  HTTPRouteManifest,
  InferenceServiceManifest,
  RateLimitPolicyManifest,
  ServingRuntimeManifest,
  TokenRateLimitPolicyManifest,
} from '@maas-portal/plugin-maas-node';

/** How a model is served: vLLM on a GPU node, or the llm-d inference simulator on any node. */
export type ServingSpec = VllmServingSpec | SimulatorServingSpec;

export interface VllmServingSpec {
  type: 'vllm';
  /** Where KServe downloads the weights from, e.g. `hf://Qwen/Qwen3-0.6B`. */
  storageUri: string;
  gpus: number;
  /** Kubernetes quantities, e.g. `4` and `16Gi`. */
  cpu: string;
  memory: string;
  maxModelLen: number;
  image: string;
  /** Node labels a GPU node carries. */
  nodeSelector: Record<string, string>;
}

export interface SimulatorServingSpec {
  type: 'simulator';
  image: string;
  timeToFirstTokenMs: number;
  interTokenLatencyMs: number;
}

/** How clients authenticate at the model's route. */
export type AuthSpec = ApiKeyAuthSpec | OidcAuthSpec;

export interface ApiKeyAuthSpec {
  type: 'api-key';
}

export interface OidcAuthSpec {
  type: 'oidc';
  issuerUrl: string;
  /** The JWT claim that holds the user's tier (a list, as Keycloak's group attribute mapper gives). */
  tierClaim: string;
  /**
   * The JWT claim the gateway counts a user by (`auth.identity.userid`): `sub` as upstream does, or
   * e.g. `preferred_username` so that it equals the user's Backstage entity name and "my usage" finds it.
   */
  userIdClaim: string;
}

/** The request and token limits of one tier on this model. */
export interface TierLimits {
  name: string;
  requests: RateLimit;
  tokens: RateLimit;
}

/** Everything needed to render a model, with every default already applied and checked. */
export interface ModelSpec {
  name: string;
  namespace: string;
  /**
   * The catalog namespace of the model's entities: `default` for models in the portal's namespace
   * (`maas.namespace`; their refs stay `component:default/<name>`), the model's Kubernetes
   * namespace elsewhere, so same-named models of two namespaces are two entities.
   */
  catalogNamespace: string;
  /** A full entity ref, e.g. `group:default/ml-team`. */
  owner: string;
  /** A full entity ref, e.g. `system:default/maas`. */
  system?: string;
  description?: string;
  hostname: string;
  scheme: 'http' | 'https';
  gateway: ObjectRef;
  serving: ServingSpec;
  auth: AuthSpec;
  tiers: TierLimits[];
}

/** The cluster objects of one model, in the order they are applied. */
export type ModelObject =
  | ServingRuntimeManifest
  | InferenceServiceManifest
  | HTTPRouteManifest
  | AuthPolicyManifest
  | RateLimitPolicyManifest
  | TokenRateLimitPolicyManifest;
