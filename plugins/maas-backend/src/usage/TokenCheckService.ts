import { TokenCheck } from '@maas-portal/plugin-maas-common';
import { PrometheusClient } from '../prometheus/PrometheusClient';
import {
  noPrometheus,
  prometheusUnavailable,
} from '../prometheus/prometheusUnavailable';
import {
  countedUnion,
  selector,
  servedTokenQueries,
} from '../prometheus/promql';
import {
  countCalls,
  countingSentence,
  limitKindsOf,
  RawCounts,
  RouteLimits,
} from '../gateway/routeCounting';
import { END_GRANULARITY_SECONDS } from '../prometheus/usageWindow';

const WINDOW_SECONDS = 3600;

export interface TokenCheckRequest {
  modelName: string;
  limitadorNamespace?: string;
  /**
   * The limits that apply to the model's route, per tier (ModelService.routeLimits): they decide what
   * Limitador's counters hold (routeCounting.countCalls). Undefined: the cluster does not know the route.
   */
  limits: RouteLimits | undefined;
  nowSeconds?: number;
}

const formatter = new Intl.NumberFormat('en');
const percent = (share: number) => `${Math.round(share * 1000) / 10} %`;

/** Limitador's tokens on the route, counted per tier by the limits that apply to it. */
interface CountedTokens {
  /** The most the counters allow (exact when `least` equals it). */
  most: number;
  least: number;
  /** Tiers with calls whose tokens Limitador does not count (no token limit applies, or unknown). */
  uncountedTiers: Array<{ tier: string | null; why: string }>;
}

/** Sums the token counts of every tier (Limitador's `group`, absent without a TelemetryPolicy). */
function countTokens(
  samples: Array<{ metric: Record<string, string>; value: number }>,
  limits: RouteLimits,
): CountedTokens {
  const raw = new Map<string | null, RawCounts>();
  const of = (tier: string | null) => {
    let counts = raw.get(tier);
    if (!counts) {
      counts = { authorizedCalls: 0, refusals: [] };
      raw.set(tier, counts);
    }
    return counts;
  };
  for (const s of samples) {
    const tier = s.metric.group ?? null;
    if (s.metric.part === 'calls') of(tier).authorizedCalls = s.value;
    else if (s.metric.part === 'hits') of(tier).authorizedHits = s.value;
    else if (s.metric.part === 'limited')
      of(tier).refusals.push({
        ...(s.metric.limit_name ? { limitName: s.metric.limit_name } : {}),
        value: s.value,
      });
  }
  const counted: CountedTokens = { most: 0, least: 0, uncountedTiers: [] };
  for (const [tier, counts] of raw) {
    const c = countCalls(limitKindsOf(limits, tier), limits, counts);
    if (c.tokens === undefined) {
      if (c.calls > 0 || (c.callsAtLeast ?? 0) > 0)
        counted.uncountedTiers.push({
          tier,
          why: countingSentence(c.basis),
        });
      continue;
    }
    counted.most += c.tokens;
    counted.least += c.tokensAtLeast ?? c.tokens;
  }
  return counted;
}

const tierName = (tier: string | null) =>
  tier === null ? 'calls without a tier label' : `tier ${tier}`;

/**
 * Whether Limitador counts the tokens the model serves: vLLM's prompt and generation tokens
 * against the tokens Limitador counted on the route over the last hour, in one query. Limitador
 * counts a response's `usage.total_tokens`; a streamed response without
 * `stream_options.include_usage` carries none, and its tokens escape the limits. What Limitador's
 * counters hold depends on the limits that apply (routeCounting.countCalls, the one home of that
 * rule): under a TokenRateLimitPolicy only `authorized_hits` are tokens, under both policies they
 * also hold the request limit's 1 per call (and the token limit's refusals), which are taken out.
 */
export class TokenCheckService {
  readonly #prometheus?: PrometheusClient;
  readonly #threshold: number;

  constructor(options: { prometheus?: PrometheusClient; threshold: number }) {
    this.#prometheus = options.prometheus;
    this.#threshold = options.threshold;
  }

  async check(request: TokenCheckRequest): Promise<TokenCheck> {
    const threshold = this.#threshold;
    const base = { windowSeconds: WINDOW_SECONDS, threshold };
    const { limits, limitadorNamespace: ns } = request;
    if (!ns) {
      return {
        ...base,
        state: 'no-token-limit',
        message:
          'The model has no HTTPRoute, so Limitador counts no tokens: there is nothing to compare.',
      };
    }
    if (!limits) {
      return {
        ...base,
        state: 'no-data',
        message: `The cluster does not know the HTTPRoute ${ns}, so which limits count its calls, and whether Limitador's counters hold tokens, cannot be told: token counts cannot be compared.`,
      };
    }
    if (
      [...Object.values(limits.tiers), limits.otherTiers].every(
        k => k.tokens === false,
      )
    ) {
      return {
        ...base,
        state: 'no-token-limit',
        message:
          'No TokenRateLimitPolicy that the installed Kuadrant enforces applies to this model, so Limitador counts no tokens: there is nothing to compare.',
      };
    }
    const prometheus = this.#prometheus;
    if (!prometheus) {
      throw noPrometheus('token counts cannot be compared');
    }
    const end =
      Math.floor(
        (request.nowSeconds ?? Date.now() / 1000) / END_GRANULARITY_SECONDS,
      ) * END_GRANULARITY_SECONDS;
    const route = selector([['limitador_namespace', '=', ns]]);
    const samples = await prometheus
      .query(
        countedUnion(
          [
            ...servedTokenQueries(request.modelName),
            {
              part: 'calls',
              metric: 'authorized_calls',
              selector: route,
              by: ['group'],
            },
            {
              part: 'hits',
              metric: 'authorized_hits',
              selector: route,
              by: ['group'],
            },
            {
              part: 'limited',
              metric: 'limited_calls',
              selector: route,
              by: ['group', 'limit_name'],
            },
          ],
          WINDOW_SECONDS,
        ),
        end,
      )
      .catch(error => {
        throw prometheusUnavailable(
          prometheus,
          error,
          'token counts cannot be compared',
        );
      });
    const value = (part: string) =>
      samples.find(s => s.metric.part === part)?.value;
    const prompt = value('prompt');
    const generation = value('generation');
    const served =
      prompt === undefined || generation === undefined
        ? undefined
        : prompt + generation;
    const hasHits = samples.some(s => s.metric.part === 'hits');
    const counted = countTokens(samples, limits);
    if (served === undefined || served < 1) {
      return {
        ...base,
        state: 'no-data',
        ...(hasHits ? { countedTokens: Math.round(counted.most) } : {}),
        message:
          served === undefined
            ? `No vLLM token counters for model ${request.modelName} in the last hour, so token counts cannot be compared. Is Prometheus scraping the model server?`
            : 'The model served no tokens in the last hour: nothing to compare.',
      };
    }
    const servedTokens = Math.round(served);
    if (counted.uncountedTiers.length > 0) {
      // vLLM's counters are per model, not per tier: the tokens of tiers Limitador does not count
      // would read as uncounted.
      return {
        ...base,
        state: 'no-data',
        servedTokens,
        message: `Limitador counts no tokens for ${counted.uncountedTiers
          .map(t => `${tierName(t.tier)} (${t.why})`)
          .join(
            '; ',
          )}, which called the model in the last hour; vLLM's tokens are not split by tier, so the two cannot be compared.`,
      };
    }
    const countedTokens = Math.round(counted.most);
    const bounded = counted.least < counted.most;
    // Bounded (refusals without limit_name): compared with the most Limitador may have counted, so
    // that a warning says only what the counters prove.
    const uncountedShare = Math.max(0, (served - counted.most) / served);
    const countedText = bounded
      ? `between ${formatter.format(
          Math.round(counted.least),
        )} and ${formatter.format(countedTokens)}`
      : formatter.format(countedTokens);
    const figures = `the model served ${formatter.format(
      servedTokens,
    )} tokens in the last hour and Limitador counted ${countedText}: ${
      bounded ? 'at least ' : ''
    }${percent(uncountedShare)} uncounted, where up to ${percent(
      threshold,
    )} is accepted (maas.usage.tokenMismatchShare)`;
    if (uncountedShare > threshold) {
      return {
        ...base,
        state: 'not-counted',
        servedTokens,
        countedTokens,
        uncountedShare,
        message:
          `Token limits are not being counted: ${figures}. Streamed responses count only with ` +
          '`stream_options: {include_usage: true}`; ask callers to send it, or check that the TokenRateLimitPolicy is enforced.',
      };
    }
    return {
      ...base,
      state: 'counted',
      servedTokens,
      countedTokens,
      uncountedShare,
      message: `Token limits are counted: ${figures}.`,
    };
  }
}
