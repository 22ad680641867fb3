/** The ranges a usage chart offers. */
export const USAGE_RANGES = ['1h', '24h', '7d'] as const;
export type UsageRange = (typeof USAGE_RANGES)[number];

/** One line on a chart: values per step (the increase within each step), and their sum. */
export interface UsageSeries {
  /** The tier (Limitador's `group` label); null when the metrics carry no per-user labels. */
  tier: string | null;
  /** For limited calls: the limit that refused them, when Limitador reports it. */
  limitName?: string;
  /** [unix seconds at the end of the step, increase within the step]. */
  points: Array<[number, number]>;
  total: number;
}

export interface TopUser {
  user: string;
  tier: string;
  calls: number;
  tokens: number;
}

/** `GET /models/by-entity/usage`: a model's usage over a range. */
export interface ModelUsage {
  range: UsageRange;
  start: number;
  end: number;
  stepSeconds: number;
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
  authorized: UsageSeries[];
  limited: UsageSeries[];
  /** Tokens counted by Limitador (`authorized_hits` under a TokenRateLimitPolicy). */
  tokens: UsageSeries[];
  /** The model server's own token counters (vLLM), for everyone: only in scope `all`. */
  promptTokens?: UsageSeries;
  generationTokens?: UsageSeries;
  topUsers?: TopUser[];
  warnings: string[];
}
