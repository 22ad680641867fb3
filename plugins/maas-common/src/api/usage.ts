/**
 * The ranges a usage chart offers.
 *
 * @public
 */
export const USAGE_RANGES = ['1h', '24h', '7d'] as const;
/** @public */
export type UsageRange = (typeof USAGE_RANGES)[number];

/**
 * How the 503 of a Prometheus-backed route (usage, costs, refusals, token check) begins when no
 * Prometheus is configured (`maas.prometheus.url` unset), as against Prometheus failing: the
 * backend writes it, the pages tell the two cases apart by it.
 *
 * @public
 */
export const NO_PROMETHEUS = 'No Prometheus is configured';

/**
 * What the usage of a model's route is, before any number: each has its own sentence and next step.
 * - `no-route`: the model has no HTTPRoute, so Limitador's numbers cannot be found.
 * - `no-series`: Prometheus has no series of Limitador for the route in the range (not scraped, or
 *   the route's policy not enforced).
 * - `no-user-labels`: series without `user`/`group` labels (no TelemetryPolicy): per-user and
 *   per-tier numbers are unknown; everyone's calls are still shown in scope `all`.
 * - `no-calls`: series, but no calls in the range.
 * - `calls`: calls in the range.
 * Prometheus unreachable is an answer of its own: 503.
 *
 * @public
 */
export type UsageState =
  | 'no-route'
  | 'no-series'
  | 'no-user-labels'
  | 'no-calls'
  | 'calls';

/**
 * One line on a chart: values per step (the increase within the step that ends at the point), and
 * the increase over the whole range, queried once (not summed from the points).
 *
 * @public
 */
export interface UsageSeries {
  /** The tier (Limitador's `group` label); null when the metrics carry no per-user labels. */
  tier: string | null;
  /** For limited calls: the limit that refused them, when Limitador reports it. */
  limitName?: string;
  /** [unix seconds at the end of the step, increase within the step]; steps end at `end`. */
  points: Array<[number, number]>;
  /** The count over the range (one count at `end`, not the points' sum). */
  total: number;
  /**
   * When the total is not exact but bounded (calls on a route under both a RateLimitPolicy and a
   * TokenRateLimitPolicy whose refusals carry no `limit_name`): the least it can be; `total` and the
   * points are then the most.
   */
  totalAtLeast?: number;
}

/**
 * How Limitador's counters give a tier's calls and tokens on a route, from the limits that apply to
 * it in the cluster (Kuadrant 1.3): `requests` (RateLimitPolicy only: calls are `authorized_calls`,
 * no tokens are counted: `authorized_hits` is 1 per call), `tokens` (TokenRateLimitPolicy only: calls
 * `authorized_calls`, tokens `authorized_hits`), `requests-and-tokens` (both: a served call is counted
 * twice in `authorized_calls` and once more in `authorized_hits`; the portal takes both out),
 * `none` (no limit: Limitador counts nothing), `unknown` (the policies do not tell).
 *
 * @public
 */
export type CountingBasis =
  | 'requests'
  | 'tokens'
  | 'requests-and-tokens'
  | 'none'
  | 'unknown';

/**
 * One tier's counting on the route.
 *
 * @public
 */
export interface UsageCounting {
  /** The tier (Limitador's `group` label); null for series without one. */
  tier: string | null;
  basis: CountingBasis;
  /** Whether Limitador counts this tier's tokens (`authorized_hits` holds them). */
  tokensCounted: boolean;
  /** False when calls and tokens are bounded, not exact (see `UsageSeries.totalAtLeast`). */
  exact: boolean;
}

/** @public */
export interface TopUser {
  user: string;
  tier: string;
  /** Calls served (counted once, whatever the policies; see `ModelUsage.counting`). */
  calls: number;
  /** Present when not exact: the least the counters allow (`calls` is then the most). */
  callsAtLeast?: number;
  /** Tokens Limitador counted; absent where it counts none (no TokenRateLimitPolicy applies). */
  tokens?: number;
  tokensAtLeast?: number;
}

/**
 * `GET /models/by-entity/usage`: a model's usage over a range.
 *
 * @public
 */
export interface ModelUsage {
  range: UsageRange;
  /** The window: `end` is the time of the request; points are `stepSeconds` apart, the last at `end`. */
  start: number;
  end: number;
  stepSeconds: number;
  state: UsageState;
  /**
   * When Prometheus' data for the route starts inside the range (to a step): the range is longer
   * than the data. Absent when the data covers the range.
   */
  dataSince?: number;
  /** `user`: the caller's own usage; `all`: everyone's (holders of maas.usage.read-all). */
  scope: 'user' | 'all';
  /** The id the gateway knows the caller by (Limitador's `user` label). */
  userId?: string;
  /** Limitador's `limitador_namespace` of the model's route. */
  limitadorNamespace?: string;
  /**
   * Whether Limitador's metrics carry `user` and `group` labels. Without them (no TelemetryPolicy
   * on the Gateway) per-user and per-tier numbers cannot be known; they are left out, not zeroed.
   */
  perUserLabels: boolean;
  /**
   * Calls served, per tier: `authorized_calls` counted once per call (`counting` says how), so a
   * call that both a RateLimitPolicy and a TokenRateLimitPolicy let through counts once.
   */
  authorized: UsageSeries[];
  limited: UsageSeries[];
  /**
   * Tokens counted by Limitador, per tier: only tiers a TokenRateLimitPolicy applies to (there
   * `authorized_hits` holds the responses' tokens, less the request limit's 1 per call where both
   * apply). A tier under a RateLimitPolicy only has no series: its tokens are not counted, not 0.
   */
  tokens: UsageSeries[];
  /**
   * How each tier's calls and tokens are counted, from the limits the cluster applies to the route;
   * with `countingNotes`, the sentences that say so. Absent when Limitador was not read.
   */
  counting?: UsageCounting[];
  countingNotes?: string[];
  /**
   * Whether Limitador exports `authorized_hits` for the route in the range: Limitador v2.0 (as
   * kuadrant-operator v1.2 installs it) does not, and then `tokens` are unknown, not 0. Absent
   * when the route was not looked up (no route).
   */
  hitsCounted?: boolean;
  /** The model server's own token counters (vLLM), for everyone: only in scope `all`. */
  promptTokens?: UsageSeries;
  generationTokens?: UsageSeries;
  topUsers?: TopUser[];
  warnings: string[];
}
