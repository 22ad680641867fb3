import { ObjectRef } from '../entity';
import { RateLimit, TierApproval } from '../tiers';

/**
 * The health of a model, rolled up from its InferenceService, HTTPRoute and policies.
 *
 * @public
 */
export type HealthState = 'healthy' | 'degraded' | 'unhealthy';

/** @public */
export interface HealthReason {
  severity: 'degraded' | 'unhealthy';
  /** The object the reason is about, e.g. `HTTPRoute llm/qwen3`. */
  object: string;
  /** What is wrong, with the controller's own reason and message when it gave one. */
  message: string;
  /**
   * Set when the reason is a controller that has not caught up yet (no status, a pending state)
   * rather than one that reported a failure.
   */
  waitingFor?: HealthController;
}

/**
 * The controllers a new model waits for.
 *
 * @public
 */
export type HealthController = 'KServe' | 'the Gateway' | 'Kuadrant';

/** @public */
export interface HealthVerdict {
  state: HealthState;
  reasons: HealthReason[];
  /**
   * Set when every reason is a controller that has not caught up on objects changed moments ago:
   * the model is new, not broken. Lists the controllers, in the order traffic meets them.
   */
  waitingFor?: HealthController[];
  /** With `waitingFor`: when the longest of those waits began (an ISO timestamp). */
  waitingSince?: string;
}

/**
 * A Kuadrant policy that applies to a model's route, directly or through its Gateway.
 *
 * @public
 */
export interface PolicySummary {
  kind:
    | 'AuthPolicy'
    | 'RateLimitPolicy'
    | 'TokenRateLimitPolicy'
    | 'TelemetryPolicy';
  namespace: string;
  name: string;
  attachedTo: 'route' | 'gateway';
  accepted?: boolean;
  enforced?: boolean;
}

/**
 * Ready-to-run calls to a model, filled in with its name, host and auth scheme.
 *
 * @public
 */
export interface ModelExamples {
  curl: string;
  python: string;
  javascript: string;
}

/**
 * How fresh the cluster data behind an answer is.
 *
 * @public
 */
export interface CacheAge {
  /** 0 while every watch is up; otherwise seconds since the oldest one was lost. */
  ageSeconds: number;
  syncedAt?: string;
}

/**
 * `GET /models` and `GET /models/by-entity`: one model as the portal sees it.
 *
 * @public
 */
export interface ModelView {
  entityRef?: string;
  /** The name clients send as `model` in OpenAI requests. */
  modelName: string;
  inferenceService: ObjectRef & { found: boolean; modelState?: string };
  route?: ObjectRef & { found: boolean; hostnames: string[] };
  gateway?: ObjectRef;
  policies: PolicySummary[];
  health: HealthVerdict;
  /** The public URL, through the Gateway. */
  url?: string;
  authMode: 'api-key' | 'oidc' | 'none' | 'unknown';
  /** The issuer whose tokens an OIDC model accepts (its AuthPolicy's `jwt.issuerUrl`). */
  oidcIssuer?: string;
  examples?: ModelExamples;
  cache: CacheAge;
}

/**
 * `GET /models`: the models of the catalog's model servers the caller may read
 * (`maas.model.read` on each entity, as `GET /models/by-entity` shows them, `entityRef` set), and
 * for holders of `maas.model.list` also the InferenceServices no such entity names (no
 * `entityRef`).
 *
 * @public
 */
export interface ModelList {
  items: ModelView[];
  /**
   * Model servers of the catalog the caller sees but may not read (no `maas.model.read` on the
   * entity): the list says nothing of their models.
   */
  notReadable: string[];
  /** Whether `items` also holds the InferenceServices no entity names (`maas.model.list`). */
  everyInferenceService: boolean;
  warnings: string[];
  cache: CacheAge;
}

/**
 * Where a live limit comes from.
 *
 * @public
 */
export interface LimitSource {
  kind: 'RateLimitPolicy' | 'TokenRateLimitPolicy';
  namespace: string;
  name: string;
  /** The key of the limit in the policy, e.g. `free-user-requests`. */
  limitName: string;
  attachedTo: 'route' | 'gateway';
  section: 'limits' | 'defaults' | 'overrides';
}

/**
 * One limit that is in force for a model's route.
 *
 * @public
 */
export interface LiveLimit {
  rates: RateLimit[];
  counters: string[];
  /** The CEL predicates of the limit, as written in the policy. */
  predicates: string[];
  source: LimitSource;
}

/** @public */
export interface TierView {
  name: string;
  /** From the `maas.tiers` config; undefined for a tier found only in the cluster. */
  approval?: TierApproval;
  configured: boolean;
  requests: LiveLimit[];
  tokens: LiveLimit[];
}

/**
 * `GET /models/by-entity/tiers`: the live limits of a model, per tier.
 *
 * @public
 */
export interface ModelTiers {
  tiers: TierView[];
  /** Limits without a predicate: they apply to every caller. */
  everyone: LiveLimit[];
  /** Limits whose predicates name no tier in a known form: shown as they are. */
  other: LiveLimit[];
  warnings: string[];
  cache: CacheAge;
}
