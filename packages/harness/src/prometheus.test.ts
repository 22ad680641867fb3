/*
 * PromQL over the harness's backfilled data returns exactly the values the dataset summary
 * (MAAS_HARNESS_METRICS) predicts.
 */
import type { MetricsDatasetSummary } from './metrics/dataset.ts';
import { increaseBy, selectSeries, valueAt } from './metrics/queries.ts';
import { harnessEnv, harnessMetrics } from './testing/harnessEnv.ts';

jest.setTimeout(30_000);

type Sample = { metric: Record<string, string>; value: [number, string] };

describe('harness Prometheus', () => {
  let url: string;
  let m: MetricsDatasetSummary;

  async function api(
    path: string,
    params: Record<string, string | number>,
  ): Promise<any> {
    const qs = new URLSearchParams(
      Object.entries(params).map(([k, v]) => [k, String(v)]),
    );
    const res = await fetch(`${url}/api/v1/${path}?${qs}`);
    const body: any = await res.json();
    if (body.status !== 'success')
      throw new Error(`${path} ${qs}: ${res.status} ${JSON.stringify(body)}`);
    return body.data;
  }

  async function instant(query: string, time: number): Promise<Sample[]> {
    return (await api('query', { query, time })).result;
  }

  /** {label value -> numeric value} of an instant vector grouped by one label. */
  function byLabel(result: Sample[], label: string): Record<string, number> {
    return Object.fromEntries(
      result.map(r => [r.metric[label] ?? '', Number(r.value[1])]),
    );
  }

  const selector = (labels: Record<string, string>) =>
    `{${Object.entries(labels)
      .map(([k, v]) => `${k}="${v}"`)
      .join(',')}}`;

  beforeAll(() => {
    url = harnessEnv('MAAS_HARNESS_PROMETHEUS_URL');
    m = harnessMetrics();
  });

  it('is ready and serves data up to the harness start', async () => {
    const res = await fetch(`${url}/-/ready`);
    expect(res.status).toBe(200);
    expect(byLabel(await instant('limitador_up', m.endTime), '')).toEqual({
      '': 1,
    });
    // The last sample is at endTime, within the 5-minute lookback of "now" right after startup.
    expect(m.endTime).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });

  it('returns the exact raw counter values at fixed timestamps', async () => {
    const picks = [
      'authorized_calls',
      'authorized_hits',
      'limited_calls',
      'vllm:prompt_tokens_total',
    ].flatMap(metric => selectSeries(m, metric).slice(0, 3));
    expect(picks.length).toBeGreaterThanOrEqual(10);
    for (const s of picks) {
      for (const t of [
        m.startTime,
        m.checkpoints[2],
        m.checkpoints[2] + 17 * m.stepSeconds,
        m.endTime,
      ]) {
        const result = await instant(`${s.metric}${selector(s.labels)}`, t);
        expect(result).toHaveLength(1);
        expect(Number(result[0].value[1])).toBe(valueAt(m, s, t));
      }
    }
  });

  it('returns the exact per-user increase over an hour: sum by (user) (increase(...[1h]))', async () => {
    for (const route of m.routes.filter(r => r.perUserLabels)) {
      for (let i = 1; i < m.checkpoints.length; i++) {
        const [t1, t2] = [m.checkpoints[i - 1], m.checkpoints[i]];
        const expected = increaseBy(
          m,
          'authorized_hits',
          { limitador_namespace: route.limitadorNamespace },
          'user',
          t1,
          t2,
        );
        const q = `sum by (user) (increase(authorized_hits{limitador_namespace="${route.limitadorNamespace}"}[1h]))`;
        expect(byLabel(await instant(q, t2), 'user')).toEqual(expected);
        // The same with offset (exact on every Prometheus version).
        const q2 = `sum by (user) (authorized_hits{limitador_namespace="${route.limitadorNamespace}"} - authorized_hits{limitador_namespace="${route.limitadorNamespace}"} offset 1h)`;
        expect(byLabel(await instant(q2, t2), 'user')).toEqual(expected);
      }
    }
  });

  it('returns exact per-tier totals over the whole window and per-hour series from query_range', async () => {
    const ns = 'llm/simulator-route';
    const window = m.endTime - m.startTime;
    const expected = increaseBy(
      m,
      'authorized_calls',
      { limitador_namespace: ns },
      'group',
      m.startTime,
      m.endTime,
    );
    const q = `sum by (group) (increase(authorized_calls{limitador_namespace="${ns}"}[${window}s]))`;
    expect(byLabel(await instant(q, m.endTime), 'group')).toEqual(expected);
    expect(Object.keys(expected).sort()).toEqual([
      'enterprise',
      'free',
      'premium',
    ]);

    const data = await api('query_range', {
      query: `sum by (group) (authorized_calls{limitador_namespace="${ns}"})`,
      start: m.startTime,
      end: m.endTime,
      step: m.segmentSeconds,
    });
    const result = data.result as Array<{
      metric: Record<string, string>;
      values: [number, string][];
    }>;
    expect(result.map(r => r.metric.group).sort()).toEqual([
      'enterprise',
      'free',
      'premium',
    ]);
    const summary = m;
    const expectedValues = (group: string) => {
      const series = selectSeries(summary, 'authorized_calls', {
        limitador_namespace: ns,
        group,
      });
      return summary.checkpoints.map((t, i) => [
        t,
        series.reduce((sum, s) => sum + s.valuesAtCheckpoints[i], 0),
      ]);
    };
    for (const r of result) {
      expect(r.values.map(([t, v]) => [t, Number(v)])).toEqual(
        expectedValues(r.metric.group),
      );
    }
  });

  it('has no user labels on the legacy route, and limit_name on limited_calls of per-user routes that report it', async () => {
    const legacy = 'llm/legacy-route';
    expect(
      await instant(
        `authorized_calls{limitador_namespace="${legacy}",user!=""}`,
        m.endTime,
      ),
    ).toEqual([]);
    const total = await instant(
      `sum(authorized_calls{limitador_namespace="${legacy}"})`,
      m.endTime,
    );
    expect(Number(total[0].value[1])).toBe(
      selectSeries(m, 'authorized_calls', {
        limitador_namespace: legacy,
        user: null,
      })[0].valuesAtCheckpoints.at(-1),
    );
    const limited = await instant(
      'limited_calls{limit_name="free-user-requests"}',
      m.endTime,
    );
    expect(limited.length).toBe(
      selectSeries(m, 'limited_calls', { limit_name: 'free-user-requests' })
        .length,
    );
    expect(limited.every(r => r.metric.group === 'free' && r.metric.user)).toBe(
      true,
    );
  });

  it('matches vLLM token counters per model with Limitador hits on token-limited routes', async () => {
    const window = `${m.endTime - m.startTime}s`;
    const vllm = byLabel(
      await instant(
        `sum by (model_name) (increase(vllm:prompt_tokens_total[${window}]) + increase(vllm:generation_tokens_total[${window}]))`,
        m.endTime,
      ),
      'model_name',
    );
    for (const route of m.routes.filter(r => r.hitsUnit === 'tokens')) {
      // Under both policies authorized_hits holds the request limit's 1 per call too: the tokens
      // are the summary's countedTokens (generator.test.ts checks the two add up).
      const counted = route.requestAndTokenLimits
        ? m.countedTokens![route.limitadorNamespace]._all
        : m.totals.authorized_hits[route.limitadorNamespace]._all;
      // One model's streamed tokens go uncounted by Limitador (uncountedTokenShare).
      expect(vllm[route.model] === counted).toBe(!route.uncountedTokenShare);
      expect(vllm[route.model]).toBeGreaterThanOrEqual(counted);
    }
  });
});
