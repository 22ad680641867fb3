import { UsageRange } from './usage';

/**
 * Where quota-left figures come from: Limitador's own counters (`maas.limitador.url`), or an
 * estimate from its metrics in Prometheus (calls and tokens over the last window).
 *
 * @public
 */
export type QuotaSource = 'limitador' | 'estimate';

/**
 * What is left of one limit for the signed-in user, in the window they are in.
 *
 * @public
 */
export interface QuotaLeft {
  /** The limit's key in its policy, e.g. `free-user-requests`. */
  limitName: string;
  limit: number;
  /** Kuadrant window, e.g. `2m`. */
  window: string;
  windowSeconds: number;
  remaining: number;
  /**
   * Seconds until the window resets, from Limitador. Absent in an estimate: Limitador's windows
   * start at a user's first call, which its metrics do not tell.
   */
  resetsInSeconds?: number;
  /**
   * Set when Limitador has no such limit loaded for the route, so nothing counts against it (e.g. a
   * TokenRateLimitPolicy that kuadrant-operator before 1.3 does not reconcile): why, in words.
   * `remaining` then means nothing and is not shown.
   */
  notEnforced?: string;
}

/**
 * The caller's quota in one tier of a model: null where the tier has no limit of that kind.
 *
 * @public
 */
export interface TierQuota {
  tier: string;
  requests: QuotaLeft | null;
  tokens: QuotaLeft | null;
}

/**
 * `GET /models/by-entity/quota`: what the signed-in user has left, per tier of their keys.
 *
 * @public
 */
export interface ModelQuota {
  /** Absent when neither Limitador nor Prometheus is configured (`message` says so). */
  source?: QuotaSource;
  /** The id the gateway knows the caller by. */
  userId?: string;
  /** One entry per tier of the caller's working keys on the model. */
  tiers: TierQuota[];
  /** Why there are no figures, and what to do. */
  message?: string;
  warnings: string[];
}

/**
 * How often one limit refused calls over a range.
 *
 * @public
 */
export interface Refusal {
  /** The caller (Limitador's `user` label); only in scope `all`. */
  user?: string;
  /** The tier (Limitador's `group` label); null without per-user labels. */
  tier: string | null;
  /** The limit that refused; absent when Limitador does not report limit names. */
  limitName?: string;
  count: number;
}

/**
 * `GET /models/by-entity/refusals`: which limits refused calls over a range, and how often.
 *
 * @public
 */
export interface ModelRefusals {
  range: UsageRange;
  start: number;
  end: number;
  scope: 'user' | 'all';
  userId?: string;
  /**
   * Whether `limited_calls` carry `limit_name` (Limitador runs with `telemetry: exhaustive`).
   * False when refusals were seen without it; true when there were none to tell.
   */
  limitNames: boolean;
  /** Largest first. */
  refusals: Refusal[];
  total: number;
  /**
   * Why there are no figures, and what to do: in scope `user`, when Limitador's metrics for the route
   * carry no `user` label (no TelemetryPolicy), one's own refusals cannot be told from others'.
   */
  message?: string;
  warnings: string[];
}

/**
 * Whether Limitador counts the tokens the model serves:
 * - `counted`: within the configured share over the last hour;
 * - `not-counted`: vLLM served more tokens than Limitador counted, by more than the share;
 * - `no-token-limit`: no TokenRateLimitPolicy the installed Kuadrant enforces applies to the route,
 *   so Limitador counts no tokens;
 * - `no-data`: no tokens served in the last hour, no series to compare, or counts that cannot be
 *   compared (a tier that called has no token limit, or the cluster does not know the route).
 *
 * @public
 */
export type TokenCheckState =
  | 'counted'
  | 'not-counted'
  | 'no-token-limit'
  | 'no-data';

/**
 * `GET /models/by-entity/token-check`: vLLM's tokens against Limitador's, over the last hour.
 *
 * @public
 */
export interface TokenCheck {
  state: TokenCheckState;
  windowSeconds: number;
  /** vLLM's `prompt_tokens_total + generation_tokens_total` over the window. */
  servedTokens?: number;
  /**
   * The tokens Limitador counted on the model's route over the window: `authorized_hits` read by
   * the limits that apply to each tier (under both policies, less the request limit's 1 per call and
   * the token refusals); the most the counters allow where refusals carry no `limit_name`.
   */
  countedTokens?: number;
  /** (served - counted) / served. */
  uncountedShare?: number;
  /** `maas.usage.tokenMismatchShare`. */
  threshold: number;
  /** One sentence with the figures, and what to do when they disagree. */
  message: string;
}
