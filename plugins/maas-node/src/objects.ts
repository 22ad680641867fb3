import { KubernetesObject } from '@kubernetes/client-node';
import { RateLimit } from '@maas-portal/plugin-maas-common';

/**
 * The suite's CRD objects, one spec type each, for both sides: the scaffolder renders
 * `…Manifest` (every field it sets), the backend reads the object (`spec` and `status` may be
 * missing, whoever wrote it). Fields are optional where the CRD lets them be.
 */

/**
 * A status condition, as Kubernetes, KServe, Gateway API and Kuadrant write them.
 *
 * @public
 */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown' | string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  /** The object's generation the condition was written for (Gateway API and Kuadrant set it). */
  observedGeneration?: number;
}

/**
 * The part of an object's metadata that the suite sets on every object it writes.
 *
 * @public
 */
export interface ObjectMeta {
  name: string;
  namespace: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/**
 * An object as the suite writes it.
 *
 * @public
 */
export interface Manifest<Kind extends string = string, Spec = unknown> {
  apiVersion: string;
  kind: Kind;
  metadata: ObjectMeta;
  spec: Spec;
}

/**
 * An object as read from the API server: it has a name; the rest is as found.
 *
 * @public
 */
export interface Named extends KubernetesObject {
  metadata: NonNullable<KubernetesObject['metadata']> & {
    name: string;
    namespace?: string;
  };
}

/** @public */
export interface Container {
  name: string;
  image?: string;
  args?: string[];
  env?: { name: string; value: string }[];
  ports?: { containerPort: number; protocol: 'TCP' }[];
  resources?: {
    requests?: Record<string, string>;
    limits?: Record<string, string>;
  };
  volumeMounts?: { name: string; mountPath: string }[];
}

/** @public */
export interface ServingRuntimeSpec {
  annotations?: Record<string, string>;
  containers: Container[];
  multiModel: boolean;
  supportedModelFormats: { name: string; autoSelect: boolean }[];
  volumes?: {
    name: string;
    emptyDir: { medium: 'Memory'; sizeLimit?: string };
  }[];
}

/** @public */
export interface InferenceServiceSpec {
  predictor?: {
    minReplicas?: number;
    maxReplicas?: number;
    model?: {
      modelFormat?: { name?: string };
      runtime?: string;
      storageUri?: string;
      resources?: {
        requests?: Record<string, string>;
        limits?: Record<string, string>;
      };
    };
    containers?: Container[];
    tolerations?: { key: string; operator: 'Exists'; effect: 'NoSchedule' }[];
    nodeSelector?: Record<string, string>;
  };
}

/** @public */
export interface InferenceServiceStatus {
  url?: string;
  address?: { url?: string };
  conditions?: Condition[];
  components?: { predictor?: { url?: string } };
  modelStatus?: {
    states?: { activeModelState?: string; targetModelState?: string };
    lastFailureInfo?: { reason?: string; message?: string };
  };
}

/** @public */
export interface ParentRef {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
  sectionName?: string;
}

/** @public */
export interface HTTPRouteSpec {
  parentRefs?: ParentRef[];
  hostnames?: string[];
  rules?: Array<{
    matches?: { path: { type: 'PathPrefix'; value: string } }[];
    backendRefs?: Array<{
      name: string;
      namespace?: string;
      port?: number;
      weight?: number;
    }>;
  }>;
}

/** @public */
export interface HTTPRouteStatus {
  parents?: Array<{
    parentRef: ParentRef;
    controllerName?: string;
    conditions?: Condition[];
  }>;
}

/** @public */
export interface GatewaySpec {
  gatewayClassName?: string;
  listeners?: Array<{
    name: string;
    hostname?: string;
    port: number;
    protocol: string;
  }>;
}

/**
 * `targetRef` of a Kuadrant policy: the suite's own always name an HTTPRoute.
 *
 * @public
 */
export interface TargetRef {
  group: string;
  kind: string;
  name: string;
  sectionName?: string;
}

/**
 * Kuadrant's `when` conditions: CEL predicates that must all hold.
 *
 * @public
 */
export type Predicates = Array<{ predicate: string }>;

/**
 * One named limit of a RateLimitPolicy or TokenRateLimitPolicy.
 *
 * @public
 */
export interface KuadrantLimit {
  rates?: RateLimit[];
  when?: Predicates;
  counters?: Array<{ expression: string }>;
}

/** @public */
export interface KuadrantLimitsSection {
  limits?: Record<string, KuadrantLimit>;
  strategy?: 'atomic' | 'merge';
  when?: Predicates;
}

/**
 * RateLimitPolicy (kuadrant.io/v1) and TokenRateLimitPolicy (kuadrant.io/v1alpha1) share it.
 *
 * @public
 */
export interface LimitPolicySpec {
  targetRef?: TargetRef;
  limits?: Record<string, KuadrantLimit>;
  defaults?: KuadrantLimitsSection;
  overrides?: KuadrantLimitsSection;
  when?: Predicates;
}

/**
 * A value Authorino reads from the authorization JSON by its selector.
 *
 * @public
 */
export type Selector = { selector: string };

/**
 * A Kubernetes label selector as a resource holds it (`metav1.LabelSelector`), e.g. an AuthPolicy's
 * `apiKey.selector`: anyone who may write the resource may write one, so its reader checks it.
 *
 * @public
 */
export interface LabelSelectorSpec {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{
    key: string;
    operator: string;
    values?: string[];
  }>;
}

/** @public */
export interface AuthRules {
  authentication?: Record<
    string,
    {
      apiKey?: {
        selector?: LabelSelectorSpec;
        allNamespaces?: boolean;
      };
      jwt?: { issuerUrl?: string; jwksUrl?: string };
      credentials?: { authorizationHeader?: { prefix?: string } };
    }
  >;
  authorization?: Record<string, { opa: { rego: string } }>;
  response?: {
    success: {
      filters: {
        identity: { json: { properties: Record<string, Selector> } };
      };
    };
  };
}

/** @public */
export interface AuthPolicySpec {
  targetRef?: TargetRef;
  rules?: AuthRules;
  defaults?: { rules?: AuthRules };
  overrides?: { rules?: AuthRules };
}

/** @public */
export interface TelemetryPolicySpec {
  targetRef?: TargetRef;
  metrics?: { default?: { labels?: Record<string, string> } };
}

/**
 * A status with Kubernetes conditions.
 *
 * @public
 */
export type WithConditions = { conditions?: Condition[] };

/**
 * Objects as read from the cluster.
 *
 * @public
 */
export interface InferenceService extends Named {
  spec?: InferenceServiceSpec;
  status?: InferenceServiceStatus;
}
/** @public */
export interface HTTPRoute extends Named {
  spec?: HTTPRouteSpec;
  status?: HTTPRouteStatus;
}
/** @public */
export interface Gateway extends Named {
  spec?: GatewaySpec;
  status?: WithConditions & { addresses?: Array<{ value: string }> };
}
/** @public */
export interface LimitPolicy extends Named {
  spec?: LimitPolicySpec;
  status?: WithConditions;
}
/** @public */
export interface AuthPolicy extends Named {
  spec?: AuthPolicySpec;
  status?: WithConditions;
}
/** @public */
export interface TelemetryPolicy extends Named {
  spec?: TelemetryPolicySpec;
  status?: WithConditions;
}

/** Objects as the scaffolder renders them; a policy always targets its model's route. */
/**
 * A policy's spec with the Gateway API object it applies to.
 *
 * @public
 */
export type Targeted<Spec> = Spec & { targetRef: TargetRef };
/** @public */
export type ServingRuntimeManifest = Manifest<
  'ServingRuntime',
  ServingRuntimeSpec
>;
/** @public */
export type InferenceServiceManifest = Manifest<
  'InferenceService',
  InferenceServiceSpec
>;
/** @public */
export type HTTPRouteManifest = Manifest<'HTTPRoute', HTTPRouteSpec>;
/** @public */
export type AuthPolicyManifest = Manifest<
  'AuthPolicy',
  Targeted<AuthPolicySpec> & { rules: Required<AuthRules> }
>;
/** @public */
export type RateLimitPolicyManifest = Manifest<
  'RateLimitPolicy',
  Targeted<LimitPolicySpec>
>;
/** @public */
export type TokenRateLimitPolicyManifest = Manifest<
  'TokenRateLimitPolicy',
  Targeted<LimitPolicySpec>
>;
