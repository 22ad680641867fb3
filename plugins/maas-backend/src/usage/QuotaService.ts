import {
  LiveLimit,
  ModelQuota,
  QuotaLeft,
  TierQuota,
  TierView,
} from '@maas-portal/plugin-maas-common';
import {
  LimitadorClient,
  LimitadorCounter,
} from '../limitador/LimitadorClient';
import { counterFor, isLimitOf } from '../limitador/matchCounters';
import { windowSeconds } from '../limitador/windowSeconds';
import { PrometheusClient } from '../prometheus/PrometheusClient';
import { withoutPrometheusUrl } from '../prometheus/prometheusUnavailable';
import { countedUnion, promString, selector } from '../prometheus/promql';
import {
  countCalls,
  limitKindsOf,
  RawCounts,
  RouteLimits,
} from '../gateway/routeCounting';
import { END_GRANULARITY_SECONDS } from '../prometheus/usageWindow';

export interface QuotaRequest {
  /** The id the gateway knows the caller by. */
  userId: string;
  /** `<route namespace>/<route name>`; absent when the model has no route. */
  limitadorNamespace?: string;
  /** The tiers of the caller's working keys on the model, with the model's live limits. */
  tiers: TierView[];
  /**
   * The limits that apply to the route (ModelService.routeLimits), for the estimate: they decide what
   * Limitador's metrics hold (routeCounting.countCalls). Undefined: read as reported.
   */
  limits?: RouteLimits;
  nowSeconds?: number;
}

type Kind = 'requests' | 'tokens';

interface LimitOfTier {
  tier: string;
  kind: Kind;
  limitName: string;
  limit: number;
  window: string;
  windowSeconds: number;
}

/** The first rate of the first limit of a kind: what the tier allows in its window. */
function limitOf(tier: string, kind: Kind, live: LiveLimit[]) {
  const limit = live.find(l => l.rates.length > 0);
  if (!limit) return undefined;
  const rate = limit.rates[0];
  return {
    tier,
    kind,
    limitName: limit.source.limitName,
    limit: rate.limit,
    window: rate.window,
    windowSeconds: windowSeconds(rate.window),
  } satisfies LimitOfTier;
}

function left(limit: LimitOfTier, remaining: number, resetsIn?: number) {
  const quota: QuotaLeft = {
    limitName: limit.limitName,
    limit: limit.limit,
    window: limit.window,
    windowSeconds: limit.windowSeconds,
    remaining: Math.max(0, Math.min(limit.limit, Math.round(remaining))),
  };
  if (resetsIn !== undefined) quota.resetsInSeconds = resetsIn;
  return quota;
}

/**
 * What the signed-in user has left of each limit of their tiers: from Limitador's counters when
 * `maas.limitador.url` is set (one request), else estimated from its metrics (one Prometheus query
 * for any number of tiers, keys or users).
 */
export class QuotaService {
  readonly #prometheus?: PrometheusClient;
  readonly #limitador?: LimitadorClient;

  constructor(options: {
    prometheus?: PrometheusClient;
    limitador?: LimitadorClient;
  }) {
    this.#prometheus = options.prometheus;
    this.#limitador = options.limitador;
  }

  async getQuota(request: QuotaRequest): Promise<ModelQuota> {
    const { userId, limitadorNamespace: ns } = request;
    const quota: ModelQuota = { userId, tiers: [], warnings: [] };
    const limits: LimitOfTier[] = [];
    for (const tier of request.tiers) {
      for (const kind of ['requests', 'tokens'] as const) {
        const limit = limitOf(tier.name, kind, tier[kind]);
        if (limit) limits.push(limit);
      }
    }
    if (request.tiers.length === 0) {
      quota.message =
        'You have no working key for this model, so no limit counts your calls yet. Request a key to get one.';
      return quota;
    }
    if (!ns) {
      quota.message =
        'The model has no HTTPRoute, so Limitador counts no calls to it. Ask the platform team to check its route.';
      return quota;
    }
    let figures: Map<LimitOfTier, QuotaLeft> | undefined;
    if (this.#limitador) {
      try {
        const limitador = this.#limitador;
        const counters = await limitador.counters(ns);
        // Only where a limit has no counter: does Limitador enforce it at all? (one request more)
        const loaded = limits.some(
          l => !counterFor(counters, l.limitName, userId),
        )
          ? await limitador.limits(ns)
          : [];
        figures = this.#fromCounters(limits, counters, loaded, userId);
        quota.source = 'limitador';
      } catch (error) {
        quota.warnings.push(
          `${
            (error as Error).message
          }; quota left is estimated from the metrics instead.`,
        );
      }
    }
    if (!figures && this.#prometheus) {
      const estimate = await this.#estimate(
        this.#prometheus,
        limits,
        request.limits,
        ns,
        userId,
        request.nowSeconds ?? Date.now() / 1000,
        quota.warnings,
      ).catch(error => {
        quota.warnings.push(
          `Prometheus could not be read, so quota left cannot be estimated: ${withoutPrometheusUrl(
            this.#prometheus!,
            (error as Error).message,
          )}`,
        );
        return undefined;
      });
      if (estimate === 'no-user-labels') {
        quota.message =
          "Limitador's metrics for this route carry no user labels, so what you have left cannot be estimated. " +
          'Ask the platform team to set maas.limitador.url, or to add a TelemetryPolicy with user and group labels.';
        return quota;
      }
      if (estimate) {
        figures = estimate;
        quota.source = 'estimate';
      }
    }
    if (!figures) {
      quota.message ??=
        quota.warnings.length > 0
          ? 'Quota left cannot be shown right now; see the warnings.'
          : 'Neither maas.limitador.url nor maas.prometheus.url is set, so quota left cannot be shown. Ask the platform team to set one.';
      return quota;
    }
    quota.tiers = request.tiers.map(
      (tier): TierQuota => ({
        tier: tier.name,
        requests: null,
        tokens: null,
      }),
    );
    for (const [limit, value] of figures) {
      quota.tiers.find(t => t.tier === limit.tier)![limit.kind] = value;
    }
    return quota;
  }

  #fromCounters(
    limits: LimitOfTier[],
    counters: LimitadorCounter[],
    loaded: LimitadorCounter['limit'][],
    userId: string,
  ): Map<LimitOfTier, QuotaLeft> {
    const figures = new Map<LimitOfTier, QuotaLeft>();
    for (const limit of limits) {
      const counter = counterFor(counters, limit.limitName, userId);
      if (!counter && !loaded.some(l => isLimitOf(l, limit.limitName))) {
        // Limitador does not know the limit: nothing counts against it, and "all left" would be false.
        figures.set(limit, {
          ...left(limit, limit.limit),
          notEnforced:
            limit.kind === 'tokens'
              ? `Limitador enforces no ${limit.limitName} limit on this route, so your tokens are not counted against it: kuadrant-operator reconciles TokenRateLimitPolicy from Kuadrant 1.3 on.`
              : `Limitador enforces no ${limit.limitName} limit on this route yet, so your calls are not counted against it: kuadrant-operator has not given it to Limitador.`,
        });
        continue;
      }
      // No counter: the user has not called within a window, which starts at their next call.
      figures.set(
        limit,
        counter
          ? left(
              limit,
              counter.remaining ?? limit.limit,
              counter.expires_in_seconds,
            )
          : left(limit, limit.limit),
      );
    }
    return figures;
  }

  /**
   * Calls and tokens over each limit's last window, in one query: the user's authorized_calls,
   * authorized_hits and limited_calls by limit name there, read by the limits that apply to the tier
   * (routeCounting.countCalls). Under a RateLimitPolicy and a TokenRateLimitPolicy Limitador counts a
   * served call twice in authorized_calls and once in authorized_hits; the request limit's own counter
   * holds the calls it let through (served, and those the token limit then refused), the token
   * limit's the responses' tokens.
   */
  async #estimate(
    prometheus: PrometheusClient,
    limits: LimitOfTier[],
    routeLimits: RouteLimits | undefined,
    ns: string,
    userId: string,
    nowSeconds: number,
    warnings: string[],
  ): Promise<Map<LimitOfTier, QuotaLeft> | 'no-user-labels'> {
    const end =
      Math.floor(nowSeconds / END_GRANULARITY_SECONDS) *
      END_GRANULARITY_SECONDS;
    // Whether the route has series in the last hour, and whether they carry user labels.
    const seen = (
      part: string,
      matchers: Array<[string, '=' | '!=', string]>,
    ) =>
      `label_replace(count(last_over_time(authorized_calls${selector(
        matchers,
      )}[1h])), "part", ${promString(part)}, "", "")`;
    const any = seen('any', [['limitador_namespace', '=', ns]]);
    const labelled = seen('labelled', [
      ['limitador_namespace', '=', ns],
      ['user', '!=', ''],
    ]);
    const parts = limits.map((limit, i) => {
      const sel = selector([
        ['limitador_namespace', '=', ns],
        ['user', '=', userId],
        ['group', '=', limit.tier],
      ]);
      // Windows under a second (`500ms`) are read over a second: Prometheus knows no finer.
      const range = Math.max(1, Math.round(limit.windowSeconds));
      return countedUnion(
        [
          {
            part: `${i}/calls`,
            metric: 'authorized_calls',
            selector: sel,
            by: [],
          },
          {
            part: `${i}/hits`,
            metric: 'authorized_hits',
            selector: sel,
            by: [],
          },
          {
            part: `${i}/limited`,
            metric: 'limited_calls',
            selector: sel,
            by: ['limit_name'],
          },
        ],
        range,
      );
    });
    const samples = await prometheus.query(
      [any, labelled, ...parts].join(' or '),
      end,
    );
    const has = (part: string) => samples.some(s => s.metric.part === part);
    if (has('any') && !has('labelled')) return 'no-user-labels';
    if (!has('any')) {
      warnings.push(
        `No series for ${ns} in the last hour: the estimate takes it that you made no calls. If you did, ` +
          "Prometheus may not be scraping Limitador, or the route's policy is not enforced.",
      );
    }
    const figures = new Map<LimitOfTier, QuotaLeft>();
    limits.forEach((limit, i) => {
      const of = (part: string) =>
        samples.filter(s => s.metric.part === `${i}/${part}`);
      const hits = of('hits')[0];
      const raw: RawCounts = {
        authorizedCalls: of('calls')[0]?.value ?? 0,
        ...(hits ? { authorizedHits: hits.value } : {}),
        refusals: of('limited').map(r => ({
          ...(r.metric.limit_name ? { limitName: r.metric.limit_name } : {}),
          value: r.value,
        })),
      };
      const kinds = limitKindsOf(routeLimits, limit.tier);
      if (limit.kind === 'tokens' && kinds.tokens === false) {
        // The cluster's Kuadrant does not enforce it (ModelService.routeLimits leaves it out):
        // nothing counts against it, and "all left" would be false.
        figures.set(limit, {
          ...left(limit, limit.limit),
          notEnforced: `Limitador enforces no ${limit.limitName} limit on this route, so your tokens are not counted against it: kuadrant-operator reconciles TokenRateLimitPolicy from Kuadrant 1.3 on.`,
        });
        return;
      }
      const counted = countCalls(kinds, routeLimits, raw);
      let used: number;
      if (limit.kind === 'requests')
        // Under both, the request limit let through the served calls and those the token limit
        // refused: authorized_calls less the served calls (the least served: the most used).
        used =
          counted.basis === 'requests-and-tokens'
            ? raw.authorizedCalls - (counted.callsAtLeast ?? counted.calls)
            : raw.authorizedCalls;
      // A token limit the policies cannot place (unknown): authorized_hits as reported.
      else used = counted.tokens ?? raw.authorizedHits ?? 0;
      figures.set(limit, left(limit, limit.limit - used));
    });
    return figures;
  }
}
