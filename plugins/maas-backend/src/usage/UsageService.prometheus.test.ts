import { readFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { HttpPrometheusClient } from '../prometheus/HttpPrometheusClient';
import { PrometheusClient } from '../prometheus/PrometheusClient';
import { harnessEnv } from '@maas-portal/harness/testing';
import { NO_USER_LABELS, UsageRequest, UsageService } from './UsageService';

interface Series {
  metric: string;
  labels: Record<string, string>;
  perStepIncrease: number[];
  valuesAtCheckpoints: number[];
}
interface Summary {
  startTime: number;
  endTime: number;
  stepSeconds: number;
  checkpoints: number[];
  series: Series[];
  totals: Record<string, Record<string, Record<string, number>>>;
}

/** A client that counts the queries it sends. */
function counting(client: PrometheusClient) {
  const counter = { queries: 0 };
  const wrapped: PrometheusClient = {
    url: client.url,
    probe: () => client.probe(),
    query: (q, t) => {
      counter.queries++;
      return client.query(q, t);
    },
    queryRange: (q, r) => {
      counter.queries++;
      return client.queryRange(q, r);
    },
  };
  return { client: wrapped, counter };
}

describe('UsageService against the real Prometheus with the generated data', () => {
  let summary: Summary;
  let prometheus: HttpPrometheusClient;

  beforeAll(() => {
    summary = JSON.parse(
      readFileSync(harnessEnv('MAAS_HARNESS_METRICS'), 'utf8'),
    );
    prometheus = new HttpPrometheusClient({
      url: harnessEnv('MAAS_HARNESS_PROMETHEUS_URL'),
      timeoutMs: 5000,
    });
  });

  /** Increase of the matching series over the last hour of the data (the last two checkpoints). */
  function lastHour(
    metric: string,
    match: Record<string, string>,
    groupBy?: string,
  ): Record<string, number> {
    const out: Record<string, number> = {};
    for (const s of summary.series) {
      if (
        s.metric !== metric ||
        !Object.entries(match).every(([k, v]) => s.labels[k] === v)
      )
        continue;
      const key = groupBy ? s.labels[groupBy] ?? 'null' : 'all';
      const n = s.valuesAtCheckpoints.length;
      out[key] =
        (out[key] ?? 0) +
        s.valuesAtCheckpoints[n - 1] -
        s.valuesAtCheckpoints[n - 2];
    }
    return out;
  }
  /** The exact value of a generated counter at a sample time. */
  function valueAt(s: Series, t: number): number {
    const i = Math.min(
      Math.floor((t - summary.startTime) / 3600),
      s.perStepIncrease.length - 1,
    );
    const steps = (t - summary.checkpoints[i]) / summary.stepSeconds;
    return s.valuesAtCheckpoints[i] + s.perStepIncrease[i] * steps;
  }
  const totalsByTier = (
    series: Array<{ tier: string | null; total: number }>,
  ) => Object.fromEntries(series.map(s => [s.tier ?? 'null', s.total]));

  /** Usage at the end of the generated data, and how many queries it took. */
  async function usageAtEnd(request: Omit<UsageRequest, 'nowSeconds'>) {
    const { client, counter } = counting(prometheus);
    const usage = await new UsageService({ prometheus: client }).getUsage({
      ...request,
      nowSeconds: summary.endTime,
    });
    return { usage, counter };
  }

  it("gives everyone's calls, limits and tokens per tier over the last hour, exactly", async () => {
    const { usage, counter } = await usageAtEnd({
      range: '1h',
      limitadorNamespace: 'llm/simulator-route',
      modelName: 'simulator',
      scope: 'all',
    });
    const ns = { limitador_namespace: 'llm/simulator-route' };
    expect(usage.perUserLabels).toBe(true);
    expect(usage.warnings).toEqual([]);
    expect(usage.stepSeconds).toBe(60);
    expect(usage.authorized.every(s => s.points.length === 60)).toBe(true);
    expect(totalsByTier(usage.authorized)).toEqual(
      lastHour('authorized_calls', ns, 'group'),
    );
    expect(totalsByTier(usage.tokens)).toEqual(
      lastHour('authorized_hits', ns, 'group'),
    );
    const limited = Object.fromEntries(
      usage.limited.map(s => [`${s.tier}/${s.limitName}`, s.total]),
    );
    const expectedLimited: Record<string, number> = {};
    for (const [tier, total] of Object.entries(
      lastHour('limited_calls', ns, 'group'),
    )) {
      expectedLimited[`${tier}/${tier}-user-requests`] = total;
    }
    expect(limited).toEqual(expectedLimited);
    expect(usage.promptTokens?.total).toBe(
      lastHour('vllm:prompt_tokens_total', { model_name: 'simulator' }).all,
    );
    expect(usage.generationTokens?.total).toBe(
      lastHour('vllm:generation_tokens_total', { model_name: 'simulator' }).all,
    );
    const calls = lastHour('authorized_calls', ns, 'user');
    expect(
      Object.fromEntries(usage.topUsers!.map(u => [u.user, u.calls])),
    ).toEqual(calls);
    expect(usage.topUsers!.map(u => u.calls)).toEqual(
      [...usage.topUsers!.map(u => u.calls)].sort((a, b) => b - a),
    );
    // Detection, three series, two vLLM series, two top-user queries: independent of the number of users.
    expect(counter.queries).toBe(8);
  });

  it('gives a user their own usage only, over the whole data (24h range)', async () => {
    const { usage, counter } = await usageAtEnd({
      range: '24h',
      limitadorNamespace: 'llm/qwen3-route',
      modelName: 'qwen3',
      scope: 'user',
      userId: 'premiumuser1',
    });
    expect(usage.stepSeconds).toBe(300);
    expect(usage.end % 300).toBe(0);
    // The range reaches back past the data, which starts at startTime: the increase since then.
    const own = (metric: string) => {
      const series = summary.series.find(
        x =>
          x.metric === metric &&
          x.labels.limitador_namespace === 'llm/qwen3-route' &&
          x.labels.user === 'premiumuser1',
      )!;
      return valueAt(series, usage.end) - valueAt(series, summary.startTime);
    };
    expect(usage.authorized.map(s => s.tier)).toEqual(['premium']);
    expect(usage.authorized[0].total).toBe(own('authorized_calls'));
    expect(usage.tokens[0].total).toBe(own('authorized_hits'));
    expect(usage.authorized[0].points.length).toBeLessThanOrEqual(300);
    expect(usage.topUsers).toBeUndefined();
    expect(usage.promptTokens).toBeUndefined();
    expect(counter.queries).toBe(4);
  });

  it('gives top users exactly even where the range reaches past the data (no extrapolation)', async () => {
    const { usage } = await usageAtEnd({
      range: '24h',
      limitadorNamespace: 'llm/simulator-route',
      modelName: 'simulator',
      scope: 'all',
    });
    const expected: Record<string, [number, number]> = {};
    for (const s of summary.series) {
      if (
        s.labels.limitador_namespace !== 'llm/simulator-route' ||
        !s.labels.user
      )
        continue;
      const delta = valueAt(s, usage.end) - valueAt(s, summary.startTime);
      const entry = (expected[s.labels.user] ??= [0, 0]);
      if (s.metric === 'authorized_calls') entry[0] += delta;
      if (s.metric === 'authorized_hits') entry[1] += delta;
    }
    expect(
      Object.fromEntries(
        usage.topUsers!.map(u => [u.user, [u.calls, u.tokens]]),
      ),
    ).toEqual(expected);
  });

  it('tells when each user last called a route, in one query', async () => {
    const { client, counter } = counting(prometheus);
    const users = [
      'freeuser1',
      'freeuser2',
      'premiumuser1',
      'premiumuser2',
      'enterpriseuser1',
    ];
    const lastCalls = await new UsageService({ prometheus: client }).lastCalls(
      users.map(user => ({ user, limitadorNamespace: 'llm/simulator-route' })),
      summary.endTime,
    );
    const expected = new Map<string, number>();
    for (const s of summary.series) {
      if (
        s.metric !== 'authorized_calls' ||
        s.labels.limitador_namespace !== 'llm/simulator-route'
      )
        continue;
      // The end of the last hour in which the user made calls.
      const lastActive = s.perStepIncrease
        .map((inc, i) => (inc > 0 ? i : -1))
        .reduce((a, b) => Math.max(a, b));
      expected.set(
        `${s.labels.user}|llm/simulator-route`,
        summary.checkpoints[lastActive + 1],
      );
    }
    expect(new Map(lastCalls)).toEqual(expected);
    expect(counter.queries).toBe(1);
  });

  it('says so, rather than showing zeros, when the metrics have no per-user labels', async () => {
    const service = new UsageService({ prometheus });
    const request = {
      range: '1h' as const,
      limitadorNamespace: 'llm/legacy-route',
      modelName: 'legacy',
      nowSeconds: summary.endTime,
    };
    const mine = await service.getUsage({
      ...request,
      scope: 'user',
      userId: 'freeuser1',
    });
    expect(mine.perUserLabels).toBe(false);
    expect(mine.authorized).toEqual([]);
    expect(mine.tokens).toEqual([]);
    expect(mine.warnings).toEqual([NO_USER_LABELS]);
    const all = await service.getUsage({ ...request, scope: 'all' });
    expect(all.authorized.map(s => [s.tier, s.total])).toEqual([
      [
        null,
        lastHour('authorized_calls', {
          limitador_namespace: 'llm/legacy-route',
        }).all,
      ],
    ]);
    expect(all.topUsers).toBeUndefined();
  });

  describe('when Prometheus fails', () => {
    let server: Server;
    let url: string;
    beforeAll(async () => {
      // Accepts connections and never answers.
      server = createServer(() => undefined);
      await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => {
      server.closeAllConnections();
      server.close();
    });

    it('answers 503 naming Prometheus when it is too slow', async () => {
      const service = new UsageService({
        prometheus: new HttpPrometheusClient({ url, timeoutMs: 300 }),
      });
      await expect(
        service.getUsage({
          range: '1h',
          limitadorNamespace: 'llm/x',
          modelName: 'x',
          scope: 'all',
          nowSeconds: summary.endTime,
        }),
      ).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
        message: expect.stringMatching(
          /Prometheus at http:\/\/127\.0\.0\.1:\d+ did not answer within 300 ms/,
        ),
      });
    });

    it('answers 503 when Prometheus is not configured', async () => {
      await expect(
        new UsageService({}).getUsage({
          range: '1h',
          limitadorNamespace: 'llm/x',
          modelName: 'x',
          scope: 'all',
        }),
      ).rejects.toThrow(/No Prometheus is configured/);
    });
  });
});
