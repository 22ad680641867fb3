import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { ModelUsage, UsageRange } from '@maas-portal/plugin-maas-common';
import {
  countedInWindow,
  harnessMetrics,
  selectSeries,
} from '@maas-portal/harness/testing';
import { HttpPrometheusClient } from '../prometheus/HttpPrometheusClient';
import { counting } from '../__testUtils__/countingPrometheus';
import { UsageRequest, UsageService } from './UsageService';

type Summary = ReturnType<typeof harnessMetrics>;

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const totalOf = (series: ModelUsage['authorized']) =>
  sum(series.map(s => s.total));
const pointsOf = (series: ModelUsage['authorized']) =>
  sum(series.flatMap(s => s.points.map(([, v]) => v)));

describe('UsageService against the real Prometheus with the generated data', () => {
  let summary: Summary;
  let prometheus: HttpPrometheusClient;
  /** Now in these tests: 37 s after the last sample, which is itself off the 5-minute grid. */
  let now: number;

  beforeAll(() => {
    summary = harnessMetrics();
    now = summary.endTime + 37;
    prometheus = new HttpPrometheusClient({
      url: process.env.MAAS_HARNESS_PROMETHEUS_URL!,
      timeoutMs: 5000,
    });
  });

  /**
   * What the matching series counted from `end - range` to `end`: the harness data's own answer, so a
   * range that starts before the data counts each series' initial value (the calls before it).
   */
  function truth(
    metric: string,
    match: Record<string, string>,
    end: number,
    rangeSeconds: number,
  ) {
    return sum(
      selectSeries(summary, metric, match).map(s =>
        countedInWindow(summary, s, end - rangeSeconds, end),
      ),
    );
  }

  async function usageAt(
    request: Omit<UsageRequest, 'nowSeconds'>,
    nowSeconds = now,
  ) {
    const { client, counter } = counting(prometheus);
    const usage = await new UsageService({ prometheus: client }).getUsage({
      ...request,
      nowSeconds,
    });
    return { usage, queries: counter.queries };
  }
  const simulator = {
    limitadorNamespace: 'llm/simulator-route',
    modelName: 'simulator',
    scope: 'all' as const,
  };

  it('ends every range now, and its points add up exactly to its total, on data that ends between samples', async () => {
    expect(summary.endTime % 300).not.toBe(0);
    for (const range of ['1h', '24h', '7d'] as UsageRange[]) {
      const { usage, queries } = await usageAt({ ...simulator, range });
      expect(usage.state).toBe('calls');
      // Now, to 15 s (so that loads within 15 s share Prometheus answers).
      expect(now - usage.end).toBeGreaterThanOrEqual(0);
      expect(now - usage.end).toBeLessThan(15);
      // Route check, points, totals, top users: independent of the number of users.
      expect(queries).toBe(4);
      for (const part of ['authorized', 'limited', 'tokens'] as const) {
        const series = usage[part];
        expect(series.length).toBeGreaterThan(0);
        for (const s of series) {
          expect(s.points.at(-1)![0]).toBe(usage.end);
          for (let i = 1; i < s.points.length; i++)
            expect(s.points[i][0] - s.points[i - 1][0]).toBe(usage.stepSeconds);
        }
        expect(pointsOf(series)).toBe(totalOf(series));
      }
      for (const field of ['promptTokens', 'generationTokens'] as const)
        expect(pointsOf([usage[field]!])).toBe(usage[field]!.total);
    }
  });

  it('gives totals exactly as the data counts them, the calls before the data included, and never shrinking as the range grows', async () => {
    const ns = { limitador_namespace: 'llm/simulator-route' };
    const byRange: Record<string, ModelUsage> = {};
    for (const [range, seconds] of [
      ['1h', 3600],
      ['24h', 86400],
      ['7d', 604800],
    ] as const) {
      const { usage } = await usageAt({ ...simulator, range });
      byRange[range] = usage;
      expect(totalOf(usage.authorized)).toBe(
        truth('authorized_calls', ns, usage.end, seconds),
      );
      expect(totalOf(usage.tokens)).toBe(
        truth('authorized_hits', ns, usage.end, seconds),
      );
      expect(totalOf(usage.limited)).toBe(
        truth('limited_calls', ns, usage.end, seconds),
      );
      expect(usage.promptTokens!.total).toBe(
        truth(
          'vllm:prompt_tokens_total',
          { model_name: 'simulator' },
          usage.end,
          seconds,
        ),
      );
    }
    for (const part of ['authorized', 'limited', 'tokens'] as const) {
      expect(totalOf(byRange['1h'][part])).toBeLessThanOrEqual(
        totalOf(byRange['24h'][part]),
      );
      expect(totalOf(byRange['24h'][part])).toBeLessThanOrEqual(
        totalOf(byRange['7d'][part]),
      );
    }
    // Both reach back before the data: every series counts from 0, its value before the data included.
    expect(totalOf(byRange['24h'].authorized)).toBe(
      totalOf(byRange['7d'].authorized),
    );
    // The data is 6 hours long: the longer ranges say so, to a step.
    expect(byRange['1h'].dataSince).toBeUndefined();
    for (const range of ['24h', '7d']) {
      const since = byRange[range].dataSince!;
      expect(Math.abs(since - summary.startTime)).toBeLessThanOrEqual(
        byRange[range].stepSeconds,
      );
    }
    // Top users add up to everyone's calls (every caller is in the top ten here).
    expect(sum(byRange['24h'].topUsers!.map(u => u.calls))).toBe(
      totalOf(byRange['24h'].authorized),
    );
    expect(byRange['24h'].topUsers!.map(u => u.calls)).toEqual(
      [...byRange['24h'].topUsers!.map(u => u.calls)].sort((a, b) => b - a),
    );
  });

  it('gives a user their own usage only, in three queries', async () => {
    const { usage, queries } = await usageAt({
      range: '1h',
      limitadorNamespace: 'llm/qwen3-route',
      modelName: 'qwen3',
      scope: 'user',
      userId: 'premiumuser1',
    });
    const own = {
      limitador_namespace: 'llm/qwen3-route',
      user: 'premiumuser1',
    };
    expect(usage.authorized.map(s => s.tier)).toEqual(['premium']);
    expect(usage.authorized[0].total).toBe(
      truth('authorized_calls', own, usage.end, 3600),
    );
    expect(usage.tokens[0].total).toBe(
      truth('authorized_hits', own, usage.end, 3600),
    );
    expect(usage.topUsers).toBeUndefined();
    expect(usage.promptTokens).toBeUndefined();
    expect(queries).toBe(3);
  });

  /** The same request for the route with no series and the route whose series have no labels. */
  async function unscrapedAndUnlabelled(scope: 'user' | 'all') {
    const request = {
      range: '24h' as const,
      scope,
      userId: 'freeuser1',
    };
    const none = await usageAt({
      ...request,
      modelName: 'unscraped',
      limitadorNamespace: 'llm/unscraped-route',
    });
    const unlabelled = await usageAt({
      ...request,
      modelName: 'legacy',
      limitadorNamespace: 'llm/legacy-route',
    });
    expect(none.usage.state).toBe('no-series');
    expect(none.usage.authorized).toEqual([]);
    expect(none.usage.warnings).toEqual([]);
    expect(unlabelled.usage.state).toBe('no-user-labels');
    expect(unlabelled.usage.perUserLabels).toBe(false);
    expect(unlabelled.usage.topUsers).toBeUndefined();
    return { none, unlabelled };
  }

  it('tells a user a route with no series apart from one whose series have no user/group labels, in one query each', async () => {
    const { none, unlabelled } = await unscrapedAndUnlabelled('user');
    expect(none.queries).toBe(1);
    expect(unlabelled.queries).toBe(1);
    expect(unlabelled.usage.authorized).toEqual([]);
  });

  it("shows everyone's calls without tiers where series have no labels, and nothing where there are none", async () => {
    const { none, unlabelled } = await unscrapedAndUnlabelled('all');
    expect(none.usage.promptTokens?.total ?? 0).toBe(0);
    expect(unlabelled.usage.authorized.map(s => s.tier)).toEqual([null]);
    expect(unlabelled.usage.authorized[0].total).toBe(
      truth(
        'authorized_calls',
        { limitador_namespace: 'llm/legacy-route' },
        unlabelled.usage.end,
        86400,
      ),
    );
  });

  it('says a model without a route has no route, without asking Prometheus about Limitador', async () => {
    const mine = await usageAt({
      range: '1h',
      modelName: 'simulator',
      scope: 'user',
      userId: 'freeuser1',
    });
    expect(mine.usage.state).toBe('no-route');
    expect(mine.queries).toBe(0);
    const all = await usageAt({
      range: '1h',
      modelName: 'simulator',
      scope: 'all',
    });
    expect(all.usage.state).toBe('no-route');
    expect(all.usage.authorized).toEqual([]);
    // The model server's own counters still answer, in two queries.
    expect(all.usage.promptTokens!.total).toBeGreaterThan(0);
    expect(all.queries).toBe(2);
  });

  it('says "no calls" for a user whose series exist but did not move in the range', async () => {
    const idle = summary.series.find(
      s =>
        s.metric === 'authorized_calls' &&
        s.labels.user &&
        s.perStepIncrease.slice(1).includes(0),
    )!;
    const i = idle.perStepIncrease.indexOf(0, 1);
    const { usage } = await usageAt(
      {
        range: '1h',
        limitadorNamespace: idle.labels.limitador_namespace,
        modelName: 'x',
        scope: 'user',
        userId: idle.labels.user,
      },
      summary.checkpoints[i + 1],
    );
    expect(usage.state).toBe('no-calls');
    expect(totalOf(usage.authorized)).toBe(0);
    expect(usage.authorized[0].points.length).toBe(30);
  });

  it('names the routes whose calls carry no user label (llm/legacy-route) in one query, and not the labelled ones', async () => {
    const { client, counter } = counting(prometheus);
    const unlabelled = await new UsageService({
      prometheus: client,
    }).routesWithoutUserLabels(
      ['llm/legacy-route', 'llm/simulator-route', 'llm/qwen3-route'],
      summary.endTime,
    );
    expect([...unlabelled]).toEqual(['llm/legacy-route']);
    expect(counter.queries).toBe(1);
  });

  it('tells when each user last called a route, to 5 minutes, in one query', async () => {
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
    let checked = 0;
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
      const got = lastCalls.get(`${s.labels.user}|llm/simulator-route`)!;
      expect(
        Math.abs(got - summary.checkpoints[lastActive + 1]),
      ).toBeLessThanOrEqual(300);
      checked++;
    }
    expect(checked).toBe(users.length);
    expect(lastCalls.size).toBe(users.length);
    expect(counter.queries).toBe(1);
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

    it('answers 503 saying Prometheus is unreachable and what to check, without its URL', async () => {
      const service = new UsageService({
        prometheus: new HttpPrometheusClient({ url, timeoutMs: 300 }),
      });
      for (const scope of ['user', 'all'] as const) {
        const error = await service
          .getUsage({
            range: '1h',
            limitadorNamespace: 'llm/x',
            modelName: 'x',
            scope,
            userId: 'freeuser1',
            nowSeconds: now,
          })
          .catch(e => e);
        expect(error).toMatchObject({
          name: 'ServiceUnavailableError',
          message: expect.stringMatching(
            /^Prometheus \(maas\.prometheus\.url\) did not answer within 300 ms, so usage cannot be shown\. Ask the platform team/,
          ),
        });
        expect(error.message).not.toContain('127.0.0.1');
      }
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
