import { ServiceUnavailableError } from '@backstage/errors';
import {
  ModelRefusals,
  Refusal,
  UsageRange,
} from '@maas-portal/plugin-maas-common';
import { PrometheusClient } from '../prometheus/PrometheusClient';
import { countedInWindow, selector } from './promql';
import { usageWindow } from './usageWindow';

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
      throw new ServiceUnavailableError(
        'No Prometheus is configured, so refused calls cannot be shown. Set maas.prometheus.url and restart the backend.',
      );
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
    const samples = await prometheus
      .query(
        `sum by (${by}) ${countedInWindow(
          'limited_calls',
          sel,
          window.rangeSeconds,
        )}`,
        window.end,
      )
      .catch(error => {
        throw new ServiceUnavailableError(
          `${(error as Error).message
            .split(prometheus.url)
            .join(
              'maas.prometheus.url',
            )}, so refused calls cannot be shown. Ask the platform team to check Prometheus.`,
        );
      });
    for (const s of samples) {
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
