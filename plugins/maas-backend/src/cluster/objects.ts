import { KubernetesObject } from '@kubernetes/client-node';

/** A status condition, as Kubernetes, KServe, Gateway API and Kuadrant write them. */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown' | string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface Named extends KubernetesObject {
  metadata: NonNullable<KubernetesObject['metadata']> & {
    name: string;
    namespace?: string;
  };
}

export interface InferenceService extends Named {
  spec?: {
    predictor?: {
      model?: {
        modelFormat?: { name?: string };
        runtime?: string;
        storageUri?: string;
      };
      containers?: Array<{ name?: string; image?: string; args?: string[] }>;
    };
  };
  status?: {
    url?: string;
    address?: { url?: string };
    conditions?: Condition[];
    components?: { predictor?: { url?: string } };
    modelStatus?: {
      states?: { activeModelState?: string; targetModelState?: string };
      lastFailureInfo?: { reason?: string; message?: string };
    };
  };
}

export interface ParentRef {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
  sectionName?: string;
}

export interface HTTPRoute extends Named {
  spec?: {
    parentRefs?: ParentRef[];
    hostnames?: string[];
    rules?: Array<{
      backendRefs?: Array<{ name: string; namespace?: string; port?: number }>;
    }>;
  };
  status?: {
    parents?: Array<{
      parentRef: ParentRef;
      controllerName?: string;
      conditions?: Condition[];
    }>;
  };
}

export interface Gateway extends Named {
  spec?: {
    gatewayClassName?: string;
    listeners?: Array<{
      name: string;
      hostname?: string;
      port: number;
      protocol: string;
    }>;
  };
  status?: { conditions?: Condition[]; addresses?: Array<{ value: string }> };
}

export interface TargetRef {
  group: string;
  kind: string;
  name: string;
  sectionName?: string;
}

/** One named limit of a RateLimitPolicy or TokenRateLimitPolicy. */
export interface KuadrantLimit {
  rates?: Array<{ limit: number; window: string }>;
  when?: Array<{ predicate: string }>;
  counters?: Array<{ expression: string }>;
}

export interface KuadrantLimitsSection {
  limits?: Record<string, KuadrantLimit>;
  strategy?: 'atomic' | 'merge';
  when?: Array<{ predicate: string }>;
}

/** RateLimitPolicy (kuadrant.io/v1) and TokenRateLimitPolicy (kuadrant.io/v1alpha1) share a shape. */
export interface LimitPolicy extends Named {
  spec?: {
    targetRef?: TargetRef;
    limits?: Record<string, KuadrantLimit>;
    defaults?: KuadrantLimitsSection;
    overrides?: KuadrantLimitsSection;
    when?: Array<{ predicate: string }>;
  };
  status?: { conditions?: Condition[] };
}

export interface AuthRules {
  authentication?: Record<
    string,
    {
      apiKey?: {
        selector?: { matchLabels?: Record<string, string> };
        allNamespaces?: boolean;
      };
      jwt?: { issuerUrl?: string; jwksUrl?: string };
      credentials?: { authorizationHeader?: { prefix?: string } };
    }
  >;
}

export interface AuthPolicy extends Named {
  spec?: {
    targetRef?: TargetRef;
    rules?: AuthRules;
    defaults?: { rules?: AuthRules };
    overrides?: { rules?: AuthRules };
  };
  status?: { conditions?: Condition[] };
}

export interface TelemetryPolicy extends Named {
  spec?: {
    targetRef?: TargetRef;
    metrics?: { default?: { labels?: Record<string, string> } };
  };
  status?: { conditions?: Condition[] };
}
