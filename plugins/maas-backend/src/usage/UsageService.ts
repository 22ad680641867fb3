import {
  CountingBasis,
  ModelUsage,
  TopUser,
  UsageCounting,
  UsageRange,
  UsageSeries,
} from '@maas-portal/plugin-maas-common';
import {
  InstantSample,
  PrometheusClient,
  RangeSeries,
} from '../prometheus/PrometheusClient';
import {
  noPrometheus,
  prometheusUnavailable,
} from '../prometheus/prometheusUnavailable';
import {
  CounterQuery,
  countedInWindow,
  countedUnion,
  promAlternation,
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
import { usageWindow, UsageWindow } from '../prometheus/usageWindow';

export interface UsageRequest {
  range: UsageRange;
  /** `<route namespace>/<route name>`: Limitador's namespace of the model's route. */
  limitadorNamespace?: string;
  /** The vLLM `model_name` of the model. */
  modelName: string;
  scope: 'user' | 'all';
  userId?: string;
  /**
   * The limits that apply to the route, from the cluster (ModelService.routeLimits): they decide how
   * Limitador's counters give calls and tokens. Absent: not known, and the page says so.
   */
  limits?: RouteLimits;
  nowSeconds?: number;
}

const TOP_USERS = 10;
type Part = 'authorized' | 'limited' | 'tokens' | 'prompt' | 'generation';

const unavailable = (prometheus: PrometheusClient, error: unknown) =>
  prometheusUnavailable(prometheus, error, 'usage cannot be shown');

/** Points and totals of one part, one series per tier (and limit name), sorted. */
function seriesOf(
  part: Part,
  points: RangeSeries[],
  totals: InstantSample[],
): UsageSeries[] {
  const byKey = new Map<string, UsageSeries>();
  const entry = (metric: Record<string, string>) => {
    const key = `${metric.group ?? ''}/${metric.limit_name ?? ''}`;
    let s = byKey.get(key);
    if (!s) {
      s = {
        tier: metric.group ?? null,
        ...(metric.limit_name ? { limitName: metric.limit_name } : {}),
        points: [],
        total: 0,
      };
      byKey.set(key, s);
    }
    return s;
  };
  for (const r of points.filter(x => x.metric.part === part))
    entry(r.metric).points = r.points;
  for (const t of totals.filter(x => x.metric.part === part))
    entry(t.metric).total = t.value;
  return [...byKey.values()].sort((a, b) =>
    `${a.tier}/${a.limitName}`.localeCompare(`${b.tier}/${b.limitName}`),
  );
}

const whole = (x: number) => Math.round(x).toLocaleString('en-US');
const tierName = (tier: string | null) =>
  tier === null ? 'calls without a tier label' : `tier ${tier}`;

/** One tier's counts, its total and each chart point, by the limits that apply to it. */
function countTier(
  raw: {
    authorized: UsageSeries[];
    limited: UsageSeries[];
    hits: UsageSeries[];
  },
  tier: string | null,
  limits: RouteLimits | undefined,
  hitsCounted: boolean,
) {
  const a = raw.authorized.find(s => s.tier === tier);
  const h = raw.hits.find(s => s.tier === tier);
  const refused = raw.limited.filter(s => s.tier === tier);
  const kinds = limitKindsOf(limits, tier);
  const at = (value: (s: UsageSeries | undefined) => number): RawCounts => ({
    authorizedCalls: value(a),
    ...(hitsCounted ? { authorizedHits: value(h) } : {}),
    refusals: refused.map(s => ({ limitName: s.limitName, value: value(s) })),
  });
  const total = countCalls(
    kinds,
    limits,
    at(s => s?.total ?? 0),
  );
  const pointMaps = new Map(
    [a, h, ...refused]
      .filter((s): s is UsageSeries => !!s)
      .map(s => [s, new Map(s.points)]),
  );
  const times = [
    ...new Set([...pointMaps.values()].flatMap(m => [...m.keys()])),
  ].sort((x, y) => x - y);
  const points = times.map(
    t =>
      [
        t,
        countCalls(
          kinds,
          limits,
          at(s => (s && pointMaps.get(s)?.get(t)) ?? 0),
        ),
      ] as const,
  );
  return { a, h, total, points };
}

/**
 * Calls and tokens per tier from the raw counters (authorized_calls, limited_calls by limit name,
 * authorized_hits), counted by the limits that apply to each tier (routeCounting.countCalls), for the
 * totals and for each chart point alike, so that the points still add up to the totals.
 */
function countSeries(
  raw: {
    authorized: UsageSeries[];
    limited: UsageSeries[];
    hits: UsageSeries[];
  },
  limits: RouteLimits | undefined,
  hitsCounted: boolean,
): {
  calls: UsageSeries[];
  tokens: UsageSeries[];
  counting: UsageCounting[];
  notes: string[];
} {
  const calls: UsageSeries[] = [];
  const tokens: UsageSeries[] = [];
  const counting: UsageCounting[] = [];
  const bounded: string[] = [];
  const tiers = [
    ...new Set([...raw.authorized, ...raw.hits].map(s => s.tier)),
  ].sort((a, b) => `${a}`.localeCompare(`${b}`));
  for (const tier of tiers) {
    const { a, h, total, points } = countTier(raw, tier, limits, hitsCounted);
    if (a)
      calls.push({
        tier,
        points: points.map(([t, c]) => [t, c.calls]),
        total: total.calls,
        ...(total.callsAtLeast !== undefined
          ? { totalAtLeast: total.callsAtLeast }
          : {}),
      });
    if (h && total.tokens !== undefined)
      tokens.push({
        tier,
        points: points.map(([t, c]) => [t, c.tokens ?? 0]),
        total: total.tokens,
        ...(total.tokensAtLeast !== undefined
          ? { totalAtLeast: total.tokensAtLeast }
          : {}),
      });
    counting.push({
      tier,
      basis: total.basis,
      tokensCounted: total.tokens !== undefined,
      exact: total.callsAtLeast === undefined,
    });
    if (
      total.callsAtLeast !== undefined &&
      total.basis === 'requests-and-tokens'
    )
      bounded.push(
        [
          `${tierName(tier)}: between ${whole(total.callsAtLeast)} and ${whole(
            total.calls,
          )} calls`,
          ...(total.tokens !== undefined
            ? [
                `between ${whole(
                  total.tokensAtLeast ?? total.tokens,
                )} and ${whole(total.tokens)} tokens`,
              ]
            : []),
        ].join(', '),
      );
  }
  const byBasis = new Map<CountingBasis, string[]>();
  for (const c of counting)
    byBasis.set(c.basis, [...(byBasis.get(c.basis) ?? []), tierName(c.tier)]);
  const notes = [...byBasis].map(
    ([basis, names]) =>
      `Counted for ${names.join(', ')} under ${countingSentence(basis)}.`,
  );
  if (bounded.length > 0)
    notes.push(
      "An estimate: Limitador's limited_calls on this route carry no limit_name (the Limitador CR's telemetry: " +
        'exhaustive adds it), so refusals by the token limit cannot be told from refusals by the request limit, ' +
        `and the figures are bounded: ${bounded.join(
          '; ',
        )}. The charts show the most.`,
    );
  return { calls, tokens, counting, notes };
}

/**
 * A model's usage from Prometheus, in a fixed number of queries whatever the number of users or
 * keys: at most four (route check, points, totals, top users). Points are the count within each
 * step (countedInWindow), the last ending now; totals are one count over the whole range, so the
 * points add up to the total and a longer range never shows less than a shorter one.
 */
export class UsageService {
  readonly #prometheus?: PrometheusClient;

  constructor(options: { prometheus?: PrometheusClient }) {
    this.#prometheus = options.prometheus;
  }

  async getUsage(request: UsageRequest): Promise<ModelUsage> {
    const prometheus = this.#prometheus;
    if (!prometheus) {
      throw noPrometheus('usage cannot be shown');
    }
    const window = usageWindow(
      request.range,
      request.nowSeconds ?? Date.now() / 1000,
    );
    const { stepSeconds: step, start, end, rangeSeconds } = window;
    const ns = request.limitadorNamespace;
    const usage: ModelUsage = {
      range: request.range,
      start,
      end,
      stepSeconds: step,
      state: 'no-route',
      scope: request.scope,
      userId: request.userId,
      limitadorNamespace: ns,
      perUserLabels: false,
      authorized: [],
      limited: [],
      tokens: [],
      warnings: [],
    };

    if (ns) {
      const route = selector([['limitador_namespace', '=', ns]]);
      // Also whether Limitador exports authorized_hits for the route at all: Limitador v2.0 (what
      // kuadrant-operator v1.2 installs) has no such metric, and then tokens are not counted, not 0.
      const seen = await prometheus
        .query(
          `count by (labelled) (label_replace(last_over_time(authorized_calls${route}[${rangeSeconds}s]), "labelled", "yes", "user", ".+"))` +
            ` or label_replace(count(last_over_time(authorized_hits${route}[${rangeSeconds}s])), "hits", "yes", "", "")`,
          end,
        )
        .catch(error => {
          throw unavailable(prometheus, error);
        });
      usage.hitsCounted = seen.some(s => s.metric.hits === 'yes');
      const calls = seen.filter(s => s.metric.hits !== 'yes');
      usage.perUserLabels = calls.some(s => s.metric.labelled === 'yes');
      if (calls.length === 0) usage.state = 'no-series';
      else usage.state = usage.perUserLabels ? 'calls' : 'no-user-labels';
    }

    const parts: CounterQuery[] = [];
    const readLimitador =
      usage.state === 'calls' ||
      (usage.state === 'no-user-labels' && request.scope === 'all');
    if (ns && readLimitador) {
      const sel = selector([
        ['limitador_namespace', '=', ns],
        ...(request.scope === 'user'
          ? [['user', '=', request.userId ?? ''] as ['user', '=', string]]
          : []),
      ]);
      parts.push(
        {
          part: 'authorized',
          metric: 'authorized_calls',
          selector: sel,
          by: ['group'],
        },
        {
          part: 'limited',
          metric: 'limited_calls',
          selector: sel,
          by: ['group', 'limit_name'],
        },
        {
          part: 'tokens',
          metric: 'authorized_hits',
          selector: sel,
          by: ['group'],
        },
      );
    }
    if (request.scope === 'all') {
      parts.push(...servedTokenQueries(request.modelName));
    }
    if (parts.length === 0) return usage;

    const failures: Array<{ what: string; error: unknown }> = [];
    const attempt = <T>(what: string, run: () => Promise<T>) =>
      run().catch(error => {
        failures.push({ what, error });
        return undefined;
      });
    const [points, totals, topUsers] = await Promise.all([
      attempt('the charts', () =>
        prometheus.queryRange(countedUnion(parts, step), {
          start: start + step,
          end,
          step,
        }),
      ),
      attempt('the totals', () =>
        prometheus.query(countedUnion(parts, rangeSeconds), end),
      ),
      request.scope === 'all' && usage.state === 'calls'
        ? attempt('the top users', () =>
            this.#topUsers(prometheus, ns!, window, request.limits),
          )
        : undefined,
    ]);
    if (!points && !totals) throw unavailable(prometheus, failures[0].error);
    for (const { what, error } of failures)
      usage.warnings.push(
        `Left out ${what}: ${unavailable(prometheus, error).message}`,
      );
    const counted = countSeries(
      {
        authorized: seriesOf('authorized', points ?? [], totals ?? []),
        limited: seriesOf('limited', points ?? [], totals ?? []),
        hits: seriesOf('tokens', points ?? [], totals ?? []),
      },
      request.limits,
      usage.hitsCounted === true,
    );
    usage.authorized = counted.calls;
    usage.limited = seriesOf('limited', points ?? [], totals ?? []);
    usage.tokens = counted.tokens;
    if (readLimitador) {
      usage.counting = counted.counting;
      usage.countingNotes = counted.notes;
    }
    if (request.scope === 'all') {
      for (const [part, field] of [
        ['prompt', 'promptTokens'],
        ['generation', 'generationTokens'],
      ] as const)
        usage[field] = seriesOf(part, points ?? [], totals ?? [])[0] ?? {
          tier: null,
          points: [],
          total: 0,
        };
    }
    if (topUsers) usage.topUsers = topUsers;

    const firstPoint = Math.min(
      ...[...usage.authorized, ...usage.limited, ...usage.tokens]
        .filter(s => s.points.length > 0)
        .map(s => s.points[0][0]),
    );
    if (Number.isFinite(firstPoint) && firstPoint - step > start)
      usage.dataSince = firstPoint - step;
    const calls = [...usage.authorized, ...usage.limited].reduce(
      (n, s) => n + s.total,
      0,
    );
    if (usage.state === 'calls' && totals && calls === 0)
      usage.state = 'no-calls';
    return usage;
  }

  /**
   * When each user last called each route, as far as Limitador's metrics tell (within the last
   * 7 days, to 5 minutes): one query for any number of users and routes. Empty without Prometheus
   * or per-user labels; keys are `<user>|<limitador namespace>`, values unix seconds.
   */
  async lastCalls(
    pairs: Array<{ user: string; limitadorNamespace: string }>,
    nowSeconds = Date.now() / 1000,
  ): Promise<Map<string, number>> {
    const prometheus = this.#prometheus;
    const result = new Map<string, number>();
    if (!prometheus || pairs.length === 0) return result;
    const sel = `{limitador_namespace=~${promAlternation(
      pairs.map(p => p.limitadorNamespace),
    )},user=~${promAlternation(pairs.map(p => p.user))}}`;
    const samples = await prometheus.query(
      `max by (user, limitador_namespace) (last_over_time((timestamp(${countedInWindow(
        'authorized_calls',
        sel,
        300,
      )} > 0))[7d:5m]))`,
      Math.floor(nowSeconds / 300) * 300,
    );
    for (const s of samples)
      result.set(`${s.metric.user}|${s.metric.limitador_namespace}`, s.value);
    return result;
  }

  /**
   * Of `namespaces`, the Limitador namespaces whose calls in the last 7 days carry no `user` label at
   * all (Kuadrant 1.2's Limitador; 1.3's without a TelemetryPolicy): nobody's last call can be known
   * there, and "not seen" would be a claim the metrics cannot support. One query.
   */
  async routesWithoutUserLabels(
    namespaces: string[],
    nowSeconds = Date.now() / 1000,
  ): Promise<Set<string>> {
    const prometheus = this.#prometheus;
    if (!prometheus || namespaces.length === 0) return new Set();
    const ns = promAlternation(namespaces);
    const samples = await prometheus.query(
      `count by (limitador_namespace) (last_over_time(authorized_calls{limitador_namespace=~${ns},user=""}[7d]))` +
        ` unless count by (limitador_namespace) (last_over_time(authorized_calls{limitador_namespace=~${ns},user!=""}[7d]))`,
      Math.floor(nowSeconds / 300) * 300,
    );
    return new Set(samples.map(s => s.metric.limitador_namespace));
  }

  /**
   * The ten users with the most calls over the range, and their tokens: one query, one count
   * over the whole range per user, as the totals are, counted as the totals are (countCalls).
   */
  async #topUsers(
    prometheus: PrometheusClient,
    ns: string,
    window: UsageWindow,
    limits: RouteLimits | undefined,
  ): Promise<TopUser[]> {
    const sel = selector([
      ['limitador_namespace', '=', ns],
      ['user', '!=', ''],
    ]);
    const range = window.rangeSeconds;
    const calls = `topk(${TOP_USERS}, sum by (user, group) ${countedInWindow(
      'authorized_calls',
      sel,
      range,
    )})`;
    const ofTop = (metric: string, by: string) =>
      `sum by (${by}) ${countedInWindow(
        metric,
        sel,
        range,
      )} and on (user) ${calls}`;
    const samples = await prometheus.query(
      `label_replace(${calls}, "part", "calls", "", "")` +
        ` or label_replace(${ofTop(
          'authorized_hits',
          'user',
        )}, "part", "tokens", "", "")` +
        ` or label_replace(${ofTop(
          'limited_calls',
          'user, limit_name',
        )}, "part", "limited", "", "")`,
      window.end,
    );
    const of = (part: string, user: string) =>
      samples.filter(x => x.metric.part === part && x.metric.user === user);
    return samples
      .filter(s => s.metric.part === 'calls')
      .map((s): TopUser => {
        const tier = s.metric.group ?? '';
        const hits = of('tokens', s.metric.user)[0];
        const counted = countCalls(limitKindsOf(limits, tier), limits, {
          authorizedCalls: s.value,
          ...(hits ? { authorizedHits: hits.value } : {}),
          refusals: of('limited', s.metric.user).map(r => ({
            limitName: r.metric.limit_name,
            value: r.value,
          })),
        });
        return {
          user: s.metric.user,
          tier,
          calls: counted.calls,
          ...(counted.callsAtLeast !== undefined
            ? { callsAtLeast: counted.callsAtLeast }
            : {}),
          ...(counted.tokens !== undefined ? { tokens: counted.tokens } : {}),
          ...(counted.tokensAtLeast !== undefined
            ? { tokensAtLeast: counted.tokensAtLeast }
            : {}),
        };
      })
      .sort((a, b) => b.calls - a.calls || a.user.localeCompare(b.user));
  }
}
