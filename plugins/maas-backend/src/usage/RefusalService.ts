import {
  ModelRefusals,
  Refusal,
  UsageRange,
} from '@maas-portal/plugin-maas-common';
import { PrometheusClient } from '../prometheus/PrometheusClient';
import {
  noPrometheus,
  prometheusUnavailable,
} from '../prometheus/prometheusUnavailable';
import { countedInWindow, selector } from '../prometheus/promql';
import { usageWindow } from '../prometheus/usageWindow';

export interface RefusalRequest {
  range: UsageRange;
  limitadorNamespace?: string;
  scope: 'user' | 'all';
  userId?: string;
  nowSeconds?: number;
}

/**
 * Which limits refused calls to a model's route, and how often: one query, `limited_calls` counted
 * over the range (countedInWindow: a lone refusal too) summed by limit (and by user in scope `all`), whatever the number of users or keys.
 */
export class RefusalService {
  readonly #prometheus?: PrometheusClient;

  constructor(options: { prometheus?: PrometheusClient }) {
    this.#prometheus = options.prometheus;
  }

  async getRefusals(request: RefusalRequest): Promise<ModelRefusals> {
    const prometheus = this.#prometheus;
    if (!prometheus) {
      throw noPrometheus('refused calls cannot be shown');
    }
    const window = usageWindow(
      request.range,
      request.nowSeconds ?? Date.now() / 1000,
    );
    const answer: ModelRefusals = {
      range: request.range,
      start: window.start,
      end: window.end,
      scope: request.scope,
      userId: request.userId,
      limitNames: true,
      refusals: [],
      total: 0,
      warnings: [],
    };
    const ns = request.limitadorNamespace;
    if (!ns) {
      answer.warnings.push(
        'The model has no HTTPRoute, so Limitador refuses no calls to it.',
      );
      return answer;
    }
    const sel = selector([
      ['limitador_namespace', '=', ns],
      ...(request.scope === 'user'
        ? [['user', '=', request.userId ?? ''] as ['user', '=', string]]
        : []),
    ]);
    const by =
      request.scope === 'all' ? 'user, group, limit_name' : 'group, limit_name';
    const counted = `sum by (${by}) ${countedInWindow(
      'limited_calls',
      sel,
      window.rangeSeconds,
    )}`;
    // One's own refusals need the `user` label, so the same query also asks whether the route's series
    // carry one: Kuadrant 1.2's Limitador never labels them, 1.3's only with a TelemetryPolicy. Without
    // the label a user's selector finds nothing, which is not "no refusal".
    const route = selector([['limitador_namespace', '=', ns]]);
    const range = `[${window.rangeSeconds}s]`;
    const seen = `label_replace(count by (labelled) (label_replace(last_over_time(authorized_calls${route}${range}) or last_over_time(limited_calls${route}${range}), "labelled", "yes", "user", ".+")), "seen", "route", "", "")`;
    const samples = await prometheus
      .query(
        request.scope === 'user' ? `${counted} or ${seen}` : counted,
        window.end,
      )
      .catch(error => {
        throw prometheusUnavailable(
          prometheus,
          error,
          'refused calls cannot be shown',
        );
      });
    const routeSeries = samples.filter(s => s.metric.seen === 'route');
    if (
      routeSeries.length > 0 &&
      !routeSeries.some(s => s.metric.labelled === 'yes')
    ) {
      answer.message =
        "Limitador's metrics for this route carry no user labels, so your own refused calls cannot be told from " +
        "other people's. Ask the platform team to add a TelemetryPolicy with user and group labels (Kuadrant 1.3+).";
      return answer;
    }
    for (const s of samples.filter(x => x.metric.seen !== 'route')) {
      const count = Math.round(s.value);
      if (count <= 0) continue;
      const refusal: Refusal = { tier: s.metric.group ?? null, count };
      if (request.scope === 'all' && s.metric.user)
        refusal.user = s.metric.user;
      if (s.metric.limit_name) refusal.limitName = s.metric.limit_name;
      else answer.limitNames = false;
      answer.refusals.push(refusal);
      answer.total += count;
    }
    answer.refusals.sort(
      (a, b) =>
        b.count - a.count ||
        `${a.user}/${a.limitName}`.localeCompare(`${b.user}/${b.limitName}`),
    );
    if (!answer.limitNames) {
      answer.warnings.push(
        "Limitador does not report which limit refused a call: set `telemetry: exhaustive` on the Limitador CR to see each limit's name.",
      );
    }
    return answer;
  }
}
