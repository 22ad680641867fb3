import { ObjectRef, RateLimit } from '@maas-portal/plugin-maas-common';

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
  owner: string;
  system?: string;
  description?: string;
  hostname: string;
  scheme: 'http' | 'https';
  gateway: ObjectRef;
  serving: ServingSpec;
  auth: AuthSpec;
  tiers: TierLimits[];
}

/** The part of a Kubernetes object that the suite sets on every object it writes. */
export interface ObjectMeta {
  name: string;
  namespace: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface Manifest<Kind extends string = string, Spec = unknown> {
  apiVersion: string;
  kind: Kind;
  metadata: ObjectMeta;
  spec: Spec;
}

export interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: { name: string; value: string }[];
  ports?: { containerPort: number; protocol: 'TCP' }[];
  resources?: {
    requests?: Record<string, string>;
    limits?: Record<string, string>;
  };
  volumeMounts?: { name: string; mountPath: string }[];
}

export type ServingRuntime = Manifest<
  'ServingRuntime',
  {
    annotations?: Record<string, string>;
    containers: Container[];
    multiModel: boolean;
    supportedModelFormats: { name: string; autoSelect: boolean }[];
    volumes?: {
      name: string;
      emptyDir: { medium: 'Memory'; sizeLimit?: string };
    }[];
  }
>;

export type InferenceService = Manifest<
  'InferenceService',
  {
    predictor: {
      minReplicas: number;
      maxReplicas: number;
      model?: {
        modelFormat: { name: string };
        runtime: string;
        storageUri: string;
        resources: {
          requests: Record<string, string>;
          limits: Record<string, string>;
        };
      };
      containers?: Container[];
      tolerations?: { key: string; operator: 'Exists'; effect: 'NoSchedule' }[];
      nodeSelector?: Record<string, string>;
    };
  }
>;

export type HTTPRoute = Manifest<
  'HTTPRoute',
  {
    parentRefs: { name: string; namespace: string }[];
    hostnames: string[];
    rules: {
      matches: { path: { type: 'PathPrefix'; value: string } }[];
      backendRefs: { name: string; port: number; weight: number }[];
    }[];
  }
>;

/** `targetRef` of a Kuadrant policy. */
export interface PolicyTargetRef {
  group: 'gateway.networking.k8s.io';
  kind: 'HTTPRoute' | 'Gateway';
  name: string;
}

type Selector = { selector: string };

export type AuthPolicy = Manifest<
  'AuthPolicy',
  {
    targetRef: PolicyTargetRef;
    rules: {
      authentication: Record<
        string,
        {
          apiKey?: {
            allNamespaces: boolean;
            selector: { matchLabels: Record<string, string> };
          };
          jwt?: { issuerUrl: string };
          credentials: { authorizationHeader: { prefix: string } };
        }
      >;
      authorization: Record<string, { opa: { rego: string } }>;
      response: {
        success: {
          filters: {
            identity: { json: { properties: Record<string, Selector> } };
          };
        };
      };
    };
  }
>;

/** One named limit of a RateLimitPolicy or TokenRateLimitPolicy. */
export interface PolicyLimit {
  rates: RateLimit[];
  when: { predicate: string }[];
  counters: { expression: string }[];
}

export type RateLimitPolicy = Manifest<
  'RateLimitPolicy',
  { targetRef: PolicyTargetRef; limits: Record<string, PolicyLimit> }
>;

export type TokenRateLimitPolicy = Manifest<
  'TokenRateLimitPolicy',
  { targetRef: PolicyTargetRef; limits: Record<string, PolicyLimit> }
>;

/** The cluster objects of one model, in the order they are applied. */
export type ModelObject =
  | ServingRuntime
  | InferenceService
  | HTTPRoute
  | AuthPolicy
  | RateLimitPolicy
  | TokenRateLimitPolicy;
