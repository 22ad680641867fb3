import { ServiceUnavailableError } from '@backstage/errors';
import {
  ModelUsage,
  TopUser,
  UsageRange,
  UsageSeries,
} from '@maas-portal/plugin-maas-common';
import { PrometheusClient, RangeSeries } from '../prometheus/PrometheusClient';
import { promString, selector } from './promql';
import { usageWindow, UsageWindow } from './usageWindow';

export interface UsageRequest {
  range: UsageRange;
  /** `<route namespace>/<route name>`: Limitador's namespace of the model's route. */
  limitadorNamespace?: string;
  /** The vLLM `model_name` of the model. */
  modelName: string;
  scope: 'user' | 'all';
  userId?: string;
  nowSeconds?: number;
}

const TOP_USERS = 10;
export const NO_USER_LABELS =
  "Limitador's metrics for this model carry no user or group labels, so per-user and per-tier usage is unknown. " +
  'Ask the platform team to add a TelemetryPolicy on the Gateway with metrics.default.labels ' +
  '{user: auth.identity.userid, group: auth.identity.groups} (Kuadrant 1.3 or newer).';

function toSeries(series: RangeSeries[], window: UsageWindow): UsageSeries[] {
  return series
    .map(s => {
      const points = s.points.filter(
        ([t]) => t > window.start && t <= window.end,
      );
      return {
        tier: s.metric.group ?? null,
        ...(s.metric.limit_name ? { limitName: s.metric.limit_name } : {}),
        points,
        total: points.reduce((sum, [, v]) => sum + v, 0),
      };
    })
    .sort((a, b) =>
      `${a.tier}/${a.limitName}`.localeCompare(`${b.tier}/${b.limitName}`),
    );
}

/**
 * A model's usage from Prometheus: a fixed number of queries per request (six, eight for admins),
 * whatever the number of users or keys. Series hold the increase within each step, so their sum
 * is the increase over the range.
 */
export class UsageService {
  readonly #prometheus?: PrometheusClient;

  constructor(options: { prometheus?: PrometheusClient }) {
    this.#prometheus = options.prometheus;
  }

  async getUsage(request: UsageRequest): Promise<ModelUsage> {
    const prometheus = this.#prometheus;
    if (!prometheus) {
      throw new ServiceUnavailableError(
        'No Prometheus is configured, so usage cannot be shown. Set maas.prometheus.url and restart the backend.',
      );
    }
    const window = usageWindow(
      request.range,
      request.nowSeconds ?? Date.now() / 1000,
    );
    const { stepSeconds: step, start, end, rangeSeconds } = window;
    const ns = request.limitadorNamespace;
    const base: ModelUsage = {
      range: request.range,
      start,
      end,
      stepSeconds: step,
      scope: request.scope,
      userId: request.userId,
      limitadorNamespace: ns,
      perUserLabels: false,
      authorized: [],
      limited: [],
      tokens: [],
      warnings: [],
    };
    const rangeQuery = (q: string) =>
      prometheus.queryRange(q, { start: start + step, end, step });
    const failures: string[] = [];
    const attempt = async <T>(
      what: string,
      run: () => Promise<T>,
    ): Promise<T | undefined> => {
      try {
        return await run();
      } catch (error) {
        failures.push(`${what}: ${(error as Error).message}`);
        return undefined;
      }
    };

    let perUserLabels = false;
    if (ns) {
      const labelled = await attempt('per-user labels', () =>
        prometheus.query(
          `count(last_over_time(authorized_calls${selector([
            ['limitador_namespace', '=', ns],
            ['user', '!=', ''],
          ])}[${rangeSeconds}s]))`,
          end,
        ),
      );
      perUserLabels = (labelled?.[0]?.value ?? 0) > 0;
    } else {
      base.warnings.push(
        "The model has no HTTPRoute, so Limitador's numbers for it cannot be found.",
      );
    }
    base.perUserLabels = perUserLabels;

    const userFilter: Array<[string, '=' | '!=', string]> =
      request.scope === 'user' ? [['user', '=', request.userId ?? '']] : [];
    const canSplit = request.scope === 'all' || perUserLabels;
    if (ns && !perUserLabels) base.warnings.push(NO_USER_LABELS);

    const jobs: Array<Promise<unknown>> = [];
    if (ns && canSplit) {
      const sel = selector([['limitador_namespace', '=', ns], ...userFilter]);
      jobs.push(
        attempt('authorized calls', () =>
          rangeQuery(
            `sum by (group) (increase(authorized_calls${sel}[${step}s]))`,
          ),
        ).then(r => r && (base.authorized = toSeries(r, window))),
        attempt('limited calls', () =>
          rangeQuery(
            `sum by (group, limit_name) (increase(limited_calls${sel}[${step}s]))`,
          ),
        ).then(r => r && (base.limited = toSeries(r, window))),
        attempt('tokens', () =>
          rangeQuery(
            `sum by (group) (increase(authorized_hits${sel}[${step}s]))`,
          ),
        ).then(r => r && (base.tokens = toSeries(r, window))),
      );
    }
    if (request.scope === 'all') {
      const model = selector([['model_name', '=', request.modelName]]);
      for (const [metric, field] of [
        ['vllm:prompt_tokens_total', 'promptTokens'],
        ['vllm:generation_tokens_total', 'generationTokens'],
      ] as const) {
        jobs.push(
          attempt(`${metric}`, () =>
            rangeQuery(`sum(increase(${metric}${model}[${step}s]))`),
          ).then(r => {
            if (r)
              base[field] = toSeries(r, window)[0] ?? {
                tier: null,
                points: [],
                total: 0,
              };
          }),
        );
      }
      if (ns && perUserLabels) {
        jobs.push(
          attempt('top users', () =>
            this.#topUsers(prometheus, ns, window),
          ).then(r => r && (base.topUsers = r)),
        );
      }
    }
    await Promise.all(jobs);

    const attempted = jobs.length + (ns ? 1 : 0);
    if (attempted > 0 && failures.length === attempted) {
      throw new ServiceUnavailableError(`Usage is unavailable: ${failures[0]}`);
    }
    base.warnings.push(...failures.map(f => `Left out ${f}`));
    return base;
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
    const regex = (values: string[]) =>
      [...new Set(values)]
        .map(v => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('|');
    const sel = `{limitador_namespace=~${promString(
      regex(pairs.map(p => p.limitadorNamespace)),
    )},user=~${promString(regex(pairs.map(p => p.user)))}}`;
    const samples = await prometheus.query(
      `max by (user, limitador_namespace) (last_over_time((timestamp(increase(authorized_calls${sel}[5m]) > 0))[7d:5m]))`,
      Math.floor(nowSeconds / 300) * 300,
    );
    for (const s of samples)
      result.set(`${s.metric.user}|${s.metric.limitador_namespace}`, s.value);
    return result;
  }

  /**
   * Sums each user's increases per step over the range (a subquery) rather than one increase over
   * the whole range, which Prometheus extrapolates where the data starts or stops inside it.
   */
  async #topUsers(
    prometheus: PrometheusClient,
    ns: string,
    window: UsageWindow,
  ): Promise<TopUser[]> {
    const sel = selector([
      ['limitador_namespace', '=', ns],
      ['user', '!=', ''],
    ]);
    const { rangeSeconds, stepSeconds: step, end } = window;
    const overRange = (metric: string) =>
      `sum by (user, group) (sum_over_time(increase(${metric}${sel}[${step}s])[${
        rangeSeconds - step
      }s:${step}s]))`;
    const [calls, tokens] = await Promise.all([
      prometheus.query(
        `topk(${TOP_USERS}, ${overRange('authorized_calls')})`,
        end,
      ),
      prometheus.query(overRange('authorized_hits'), end),
    ]);
    const tokensByUser = new Map<string, number>();
    for (const s of tokens)
      tokensByUser.set(
        s.metric.user,
        (tokensByUser.get(s.metric.user) ?? 0) + s.value,
      );
    return calls
      .map(s => ({
        user: s.metric.user,
        tier: s.metric.group ?? '',
        calls: s.value,
        tokens: tokensByUser.get(s.metric.user) ?? 0,
      }))
      .sort((a, b) => b.calls - a.calls || a.user.localeCompare(b.user));
  }
}
