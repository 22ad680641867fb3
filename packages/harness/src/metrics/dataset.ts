/*
 * The synthetic metrics dataset: its shape (the summary written to MAAS_HARNESS_METRICS), the seeded cast of
 * users and routes, and the metric families with their labels. generator.ts fills it.
 */

export type Tier = 'free' | 'premium' | 'enterprise';

export interface RouteSpec {
  /** HTTPRoute name, in namespace `namespace`. */
  route: string;
  namespace: string;
  /** Limitador's `limitador_namespace` label value: `<route-namespace>/<route-name>`. */
  limitadorNamespace: string;
  /** vLLM `model_name` of the model behind the route. */
  model: string;
  /** Whether Limitador's series carry `user` and `group` labels (a TelemetryPolicy, Kuadrant >= 1.3). */
  perUserLabels: boolean;
  /** What `authorized_hits` counts on this route: tokens (TokenRateLimitPolicy) or calls (RateLimitPolicy). */
  hitsUnit: 'tokens' | 'calls';
  /** Users (by name) that call this route; empty when the route has no per-user labels. */
  users: string[];
  /**
   * No series at all for this route (Limitador not scraped, or the route's policy not enforced): the
   * route exists in the cluster's story, Prometheus knows nothing of it.
   */
  noSeries?: boolean;
  /**
   * Whether `limited_calls` carry `limit_name` (Limitador with `telemetry: exhaustive`); only on routes
   * with per-user labels.
   */
  limitNames?: boolean;
  /**
   * Share of the model's tokens Limitador does not count (responses streamed without
   * `stream_options.include_usage`): vLLM's token counters are above `authorized_hits` by this share.
   */
  uncountedTokenShare?: number;
  /**
   * Both a RateLimitPolicy and a TokenRateLimitPolicy apply to every caller (Kuadrant 1.3), and Limitador
   * counts a call once per policy. kuadrant-operator 1.3 puts the request limits' action (service
   * `ratelimit-service`: `ShouldRateLimit`, hits_addend 1) before the token limits' request action
   * (`ratelimit-check-service`: Limitador's `CheckRateLimit`) and their response action
   * (`ratelimit-report-service`: `Report` with the response's tokens); the two services never merge. Limitador
   * counts `ShouldRateLimit` as `authorized_calls` + 1 and `authorized_hits` + 1, `CheckRateLimit` as
   * `authorized_calls` + 1 (no hits), `Report` as `authorized_hits` + tokens, a refusal as `limited_calls` + 1;
   * the TelemetryPolicy's labels go on all of them and `authorized_calls` has no `limit_name`. So per caller:
   * a served call is `authorized_calls` + 2 and `authorized_hits` + 1 + its tokens; a call the request
   * limit refuses is `limited_calls{limit_name="<tier>-user-requests"}` + 1 only; a call the request limit
   * lets through and the token limit refuses is `authorized_calls` + 1, `authorized_hits` + 1 and
   * `limited_calls{limit_name="<tier>-user-tokens"}` + 1. Needs `limitNames` and `hitsUnit: tokens`.
   * In `ROUTES` as `both-route`, drawn from a stream of its own.
   */
  requestAndTokenLimits?: boolean;
}

export interface UserSpec {
  user: string;
  group: Tier;
}

/**
 * The last sample's time is never a multiple of this (the step of 5-minute charts), so that tests see
 * windows that end between samples, as in a live install.
 */
export const ALIGN_SECONDS = 300;

export const TIERS: Tier[] = ['free', 'premium', 'enterprise'];

export const USERS: UserSpec[] = [
  { user: 'freeuser1', group: 'free' },
  { user: 'freeuser2', group: 'free' },
  { user: 'premiumuser1', group: 'premium' },
  { user: 'premiumuser2', group: 'premium' },
  { user: 'enterpriseuser1', group: 'enterprise' },
];

/**
 * The routes the seed's default random stream draws for, in order: the generator keeps their series as
 * they were before any route was added to `ROUTES` (routes beyond these draw from a stream of their own).
 */
export const SEED_STREAM_ROUTES: RouteSpec[] = [
  {
    route: 'simulator-route',
    namespace: 'llm',
    limitadorNamespace: 'llm/simulator-route',
    model: 'simulator',
    perUserLabels: true,
    limitNames: true,
    hitsUnit: 'tokens',
    users: [
      'freeuser1',
      'freeuser2',
      'premiumuser1',
      'premiumuser2',
      'enterpriseuser1',
    ],
  },
  {
    route: 'qwen3-route',
    namespace: 'llm',
    limitadorNamespace: 'llm/qwen3-route',
    model: 'qwen3',
    perUserLabels: true,
    limitNames: false,
    uncountedTokenShare: 0.3,
    hitsUnit: 'tokens',
    users: ['freeuser1', 'premiumuser1', 'premiumuser2', 'enterpriseuser1'],
  },
  {
    route: 'legacy-route',
    namespace: 'llm',
    limitadorNamespace: 'llm/legacy-route',
    model: 'legacy',
    perUserLabels: false,
    hitsUnit: 'calls',
    users: [],
  },
  {
    route: 'unscraped-route',
    namespace: 'llm',
    limitadorNamespace: 'llm/unscraped-route',
    model: 'unscraped',
    perUserLabels: false,
    hitsUnit: 'calls',
    users: [],
    noSeries: true,
  },
];

/**
 * Routes named as the "Create model" template names them (`<model>-route`), so a model created in
 * namespace `llm` with one of these names shows this data. `both-route` is under a RateLimitPolicy and a
 * TokenRateLimitPolicy (`requestAndTokenLimits`): Limitador counts its calls twice.
 */
export const ROUTES: RouteSpec[] = [
  ...SEED_STREAM_ROUTES,
  {
    route: 'both-route',
    namespace: 'llm',
    limitadorNamespace: 'llm/both-route',
    model: 'both',
    perUserLabels: true,
    limitNames: true,
    hitsUnit: 'tokens',
    requestAndTokenLimits: true,
    users: ['freeuser1', 'premiumuser1', 'enterpriseuser1'],
  },
];

export type MetricKind = 'counter' | 'gauge';

export interface SeriesSummary {
  metric: string;
  kind: MetricKind;
  labels: Record<string, string>;
  /** Value of the sample at `startTime`. */
  initialValue: number;
  /** Increase per step within each segment (segment i covers sample times in (checkpoints[i], checkpoints[i+1]]); 0 for gauges. */
  perStepIncrease: number[];
  /** Exact value at each of `checkpoints` (same order). */
  valuesAtCheckpoints: number[];
}

export interface MetricsDatasetSummary {
  schemaVersion: 1;
  description: string;
  seed: number;
  /** Unix seconds of the first and the last sample of every series (the last is the harness start, floored to the step, never on a 5-minute boundary). */
  startTime: number;
  endTime: number;
  stepSeconds: number;
  segmentSeconds: number;
  /** startTime, startTime + segmentSeconds, ..., endTime: segment boundaries, all sample timestamps. */
  checkpoints: number[];
  tiers: Tier[];
  users: UserSpec[];
  routes: RouteSpec[];
  metrics: Record<
    string,
    { kind: MetricKind; labelNames: string[]; help: string }
  >;
  series: SeriesSummary[];
  /** Increase from startTime to endTime: totals[metric][limitador_namespace or model_name][user or "_all"]. */
  totals: Record<string, Record<string, Record<string, number>>>;
  /**
   * Calls served (each counted once) from startTime to endTime on routes with `requestAndTokenLimits`,
   * where `authorized_calls` counts a call twice: servedCalls[limitador_namespace][user or "_all"]. And the
   * tokens Limitador counted for them (`authorized_hits` without the request limits' 1 per call).
   */
  servedCalls?: Record<string, Record<string, number>>;
  countedTokens?: Record<string, Record<string, number>>;
  /**
   * The same before `startTime` (in the series' initial values, which follow the same rule): what a
   * window that starts before the data counts on top of `servedCalls` and `countedTokens`.
   */
  servedCallsBeforeData?: Record<string, Record<string, number>>;
  countedTokensBeforeData?: Record<string, Record<string, number>>;
}

export interface MetricsDataset {
  summary: MetricsDatasetSummary;
}

export interface MetricsDatasetOptions {
  /** PRNG seed; default 42. */
  seed?: number;
  /** Unix seconds of the last sample; floored to a multiple of stepSeconds, one step less when that is a multiple of ALIGN_SECONDS. */
  endTime: number;
  /** Length of the data, in hours; default 6. */
  hours?: number;
  /** Seconds between samples; must divide 3600; default 60. */
  stepSeconds?: number;
  /** The routes; default ROUTES. Routes not in ROUTES draw from their own random stream. */
  routes?: RouteSpec[];
}

/** The metric families, as a real Kuadrant install exposes them. */
export const METRIC_FAMILIES: Record<
  string,
  { kind: MetricKind; labelNames: string[]; help: string }
> = {
  authorized_calls: {
    kind: 'counter',
    labelNames: ['limitador_namespace', 'user', 'group'],
    help: 'Authorized calls (Limitador). user/group only on routes with a TelemetryPolicy.',
  },
  limited_calls: {
    kind: 'counter',
    labelNames: ['limitador_namespace', 'limit_name', 'user', 'group'],
    help: 'Rate-limited calls (Limitador). user/group only on routes with a TelemetryPolicy, limit_name only with telemetry: exhaustive.',
  },
  authorized_hits: {
    kind: 'counter',
    labelNames: ['limitador_namespace', 'user', 'group'],
    help: 'Authorized hits (Limitador): tokens under a TokenRateLimitPolicy, 1 per call under a RateLimitPolicy.',
  },
  'vllm:prompt_tokens_total': {
    kind: 'counter',
    labelNames: ['model_name', 'namespace'],
    help: 'Prompt tokens processed (vLLM).',
  },
  'vllm:generation_tokens_total': {
    kind: 'counter',
    labelNames: ['model_name', 'namespace'],
    help: 'Generation tokens produced (vLLM).',
  },
  limitador_up: { kind: 'gauge', labelNames: [], help: 'Limitador is up (1).' },
  datastore_partitioned: {
    kind: 'gauge',
    labelNames: [],
    help: 'Limitador datastore partitioned (0).',
  },
};
