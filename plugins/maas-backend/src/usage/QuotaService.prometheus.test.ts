/*
 * Quota left, refusals by limit and the token-count check against the harness's real Prometheus
 * with the generated data. Limitador's counters come from a local HTTP server that answers
 * Limitador's documented shape (see limitador/LimitadorClient.test.ts: no Limitador server can be
 * built from the registries here).
 */
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { TierView } from '@maas-portal/plugin-maas-common';
import {
  countedInWindow,
  harnessMetrics,
  selectSeries,
} from '@maas-portal/harness/testing';
import { HttpLimitadorClient } from '../limitador/LimitadorClient';
import { HttpPrometheusClient } from '../prometheus/HttpPrometheusClient';
import { counting } from '../__testUtils__/countingPrometheus';
import { QuotaService } from './QuotaService';
import { RefusalService } from './RefusalService';
import { TokenCheckService } from './TokenCheckService';

type Summary = ReturnType<typeof harnessMetrics>;

/** A tier as GET /models/by-entity/tiers gives it, with one request and one token limit. */
function tier(
  name: string,
  requests: [number, string] | undefined,
  tokens: [number, string] | undefined,
): TierView {
  const live = (
    kind: 'RateLimitPolicy' | 'TokenRateLimitPolicy',
    limitName: string,
    [limit, window]: [number, string],
  ) => ({
    rates: [{ limit, window }],
    counters: ['auth.identity.userid'],
    predicates: [`auth.identity.groups.split(",").exists(g, g == "${name}")`],
    source: {
      kind,
      namespace: 'llm',
      name: 'gateway-limits',
      limitName,
      attachedTo: 'gateway' as const,
      section: 'limits' as const,
    },
  });
  return {
    name,
    configured: true,
    requests: requests
      ? [live('RateLimitPolicy', `${name}-user-requests`, requests)]
      : [],
    tokens: tokens
      ? [live('TokenRateLimitPolicy', `${name}-user-tokens`, tokens)]
      : [],
  };
}

describe('quota left, refusals and the token check against the real Prometheus', () => {
  let summary: Summary;
  let prometheus: HttpPrometheusClient;

  beforeAll(() => {
    summary = harnessMetrics();
    prometheus = new HttpPrometheusClient({
      url: process.env.MAAS_HARNESS_PROMETHEUS_URL!,
      timeoutMs: 5000,
    });
  });

  /** What the matching series counted in the `seconds` before `t`, as the harness data counts it. */
  function used(
    metric: string,
    labels: Record<string, string>,
    t: number,
    seconds: number,
  ) {
    return selectSeries(summary, metric, labels)
      .map(s => countedInWindow(summary, s, t - seconds, t))
      .reduce((a, b) => a + b, 0);
  }

  it('estimates what a user has left of each limit from the last window of the metrics, in one query for any number of tiers', async () => {
    const { client, counter } = counting(prometheus);
    const t = summary.endTime;
    const quota = await new QuotaService({ prometheus: client }).getQuota({
      userId: 'premiumuser1',
      limitadorNamespace: 'llm/qwen3-route',
      tiers: [
        tier('premium', [20, '2m'], [2000, '1m']),
        tier('free', [5, '2m'], undefined),
      ],
      nowSeconds: t,
    });
    expect(counter.queries).toBe(1);
    expect(quota.source).toBe('estimate');
    expect(quota.warnings).toEqual([]);
    const own = {
      limitador_namespace: 'llm/qwen3-route',
      user: 'premiumuser1',
      group: 'premium',
    };
    const calls = used('authorized_calls', own, t, 120);
    const tokens = used('authorized_hits', own, t, 60);
    expect(calls).toBeGreaterThan(0);
    const premium = quota.tiers.find(x => x.tier === 'premium')!;
    expect(premium.requests).toEqual({
      limitName: 'premium-user-requests',
      limit: 20,
      window: '2m',
      windowSeconds: 120,
      remaining: Math.max(0, 20 - calls),
    });
    expect(premium.tokens!.remaining).toBe(Math.max(0, 2000 - tokens));
    expect(premium.tokens!.resetsInSeconds).toBeUndefined();
    // A tier the user has a key of but no calls in, and no token limit: all left, "no token limit".
    const free = quota.tiers.find(x => x.tier === 'free')!;
    expect(free.requests!.remaining).toBe(5);
    expect(free.tokens).toBeNull();
  });

  it('says why it cannot estimate on a route without user labels, and warns on a route with no series', async () => {
    const service = new QuotaService({ prometheus });
    const unlabelled = await service.getQuota({
      userId: 'freeuser1',
      limitadorNamespace: 'llm/legacy-route',
      tiers: [tier('free', [5, '2m'], [100000, '1m'])],
      nowSeconds: summary.endTime,
    });
    expect(unlabelled.tiers).toEqual([]);
    expect(unlabelled.message).toMatch(
      /carry no user labels.*maas\.limitador\.url.*TelemetryPolicy/,
    );
    const none = await service.getQuota({
      userId: 'freeuser1',
      limitadorNamespace: 'llm/unscraped-route',
      tiers: [tier('free', [5, '2m'], undefined)],
      nowSeconds: summary.endTime,
    });
    expect(none.source).toBe('estimate');
    expect(none.tiers[0].requests!.remaining).toBe(5);
    expect(none.warnings.join(' ')).toMatch(
      /No series for llm\/unscraped-route in the last hour.*Prometheus may not be scraping Limitador/,
    );
  });

  describe('with Limitador', () => {
    let server: Server;
    let url: string;
    beforeAll(async () => {
      // Limitador's documented Counter shape, of the limit kuadrant-operator writes for free-user-requests.
      const counters = [
        {
          limit: {
            namespace: 'llm/simulator-route',
            max_value: 5,
            seconds: 120,
            conditions: [
              'descriptors[0]["limit.free_user_requests__ce4d9058"] == "1"',
            ],
            variables: ['descriptors[0]["auth.identity.userid"]'],
          },
          set_variables: {
            'descriptors[0]["auth.identity.userid"]': 'freeuser1',
          },
          remaining: 3,
          expires_in_seconds: 74,
        },
      ];
      server = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(counters));
      });
      await new Promise<void>(resolve =>
        server.listen(0, '127.0.0.1', resolve),
      );
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise(resolve => server.close(resolve)));

    it("reads what is left and when it resets from Limitador's counters, without asking Prometheus", async () => {
      const { client, counter } = counting(prometheus);
      const quota = await new QuotaService({
        prometheus: client,
        limitador: new HttpLimitadorClient({ url, timeoutMs: 2000 }),
      }).getQuota({
        userId: 'freeuser1',
        limitadorNamespace: 'llm/simulator-route',
        tiers: [tier('free', [5, '2m'], [100000, '1m'])],
      });
      expect(counter.queries).toBe(0);
      expect(quota.source).toBe('limitador');
      expect(quota.tiers[0].requests).toMatchObject({
        remaining: 3,
        limit: 5,
        resetsInSeconds: 74,
      });
      // No counter for the token limit: no call in its window, all of it left.
      expect(quota.tiers[0].tokens).toMatchObject({ remaining: 100000 });
      expect(quota.tiers[0].tokens!.resetsInSeconds).toBeUndefined();
    });

    it('falls back to the estimate, saying why, when Limitador is unreachable', async () => {
      const closed = createServer();
      await new Promise<void>(resolve =>
        closed.listen(0, '127.0.0.1', resolve),
      );
      const port = (closed.address() as AddressInfo).port;
      await new Promise(resolve => closed.close(resolve));
      const quota = await new QuotaService({
        prometheus,
        limitador: new HttpLimitadorClient({
          url: `http://127.0.0.1:${port}`,
          timeoutMs: 2000,
        }),
      }).getQuota({
        userId: 'freeuser1',
        limitadorNamespace: 'llm/simulator-route',
        tiers: [tier('free', [5, '2m'], undefined)],
        nowSeconds: summary.endTime,
      });
      expect(quota.source).toBe('estimate');
      expect(quota.warnings[0]).toMatch(
        /Limitador \(maas\.limitador\.url\) is unreachable .*estimated from the metrics instead/,
      );
    });
  });

  it('tells a user which limit refused their calls and how often, in one query', async () => {
    const { client, counter } = counting(prometheus);
    const t = summary.endTime;
    const mine = await new RefusalService({ prometheus: client }).getRefusals({
      range: '1h',
      scope: 'user',
      userId: 'freeuser1',
      limitadorNamespace: 'llm/simulator-route',
      nowSeconds: t,
    });
    expect(counter.queries).toBe(1);
    const truth = used(
      'limited_calls',
      { limitador_namespace: 'llm/simulator-route', user: 'freeuser1' },
      t,
      3600,
    );
    expect(truth).toBeGreaterThan(0);
    expect(mine.limitNames).toBe(true);
    expect(mine.refusals).toEqual([
      { tier: 'free', limitName: 'free-user-requests', count: truth },
    ]);
    expect(mine.total).toBe(truth);
  });

  it("says a user's own refusals cannot be told on a route without user labels, in the same one query, instead of 'none'", async () => {
    const { client, counter } = counting(prometheus);
    const mine = await new RefusalService({ prometheus: client }).getRefusals({
      range: '24h',
      scope: 'user',
      userId: 'freeuser1',
      limitadorNamespace: 'llm/legacy-route',
      nowSeconds: summary.endTime,
    });
    expect(counter.queries).toBe(1);
    expect(mine).toMatchObject({ refusals: [], total: 0 });
    expect(mine.message).toMatch(
      /^Limitador's metrics for this route carry no user labels, so your own refused calls cannot be told from other people's\. .*TelemetryPolicy/,
    );
  });

  it("gives admins everyone's refusals per user, and says when Limitador reports no limit names", async () => {
    const t = summary.endTime;
    const service = new RefusalService({ prometheus });
    const all = await service.getRefusals({
      range: '24h',
      scope: 'all',
      limitadorNamespace: 'llm/simulator-route',
      nowSeconds: t,
    });
    // The range is longer than the data: each series counts from 0, its value before the data included.
    const truth = used(
      'limited_calls',
      { limitador_namespace: 'llm/simulator-route' },
      t,
      86400,
    );
    expect(all.total).toBe(truth);
    expect(new Set(all.refusals.map(r => r.user)).size).toBeGreaterThan(1);
    expect(
      all.refusals.every(r => r.limitName === `${r.tier}-user-requests`),
    ).toBe(true);
    expect(all.refusals.map(r => r.count)).toEqual(
      [...all.refusals.map(r => r.count)].sort((a, b) => b - a),
    );
    const unnamed = await service.getRefusals({
      range: '24h',
      scope: 'all',
      limitadorNamespace: 'llm/qwen3-route',
      nowSeconds: t,
    });
    expect(unnamed.total).toBeGreaterThan(0);
    expect(unnamed.limitNames).toBe(false);
    expect(
      unnamed.refusals.every(r => r.limitName === undefined && r.user),
    ).toBe(true);
    expect(unnamed.warnings.join(' ')).toMatch(/telemetry: exhaustive/);
  });

  it("says token limits are not counted for the model whose vLLM counters exceed Limitador's, with the figures", async () => {
    const { client, counter } = counting(prometheus);
    const check = new TokenCheckService({ prometheus: client, threshold: 0.1 });
    const t = summary.endTime;
    const truth = (route: 'qwen3' | 'simulator') => {
      const served =
        used('vllm:prompt_tokens_total', { model_name: route }, t, 3600) +
        used('vllm:generation_tokens_total', { model_name: route }, t, 3600);
      const counted = used(
        'authorized_hits',
        { limitador_namespace: `llm/${route}-route` },
        t,
        3600,
      );
      return { served, counted };
    };
    const qwen3 = await check.check({
      modelName: 'qwen3',
      limitadorNamespace: 'llm/qwen3-route',
      tokenLimited: true,
      nowSeconds: t,
    });
    expect(counter.queries).toBe(1);
    const q = truth('qwen3');
    expect(qwen3).toMatchObject({
      state: 'not-counted',
      servedTokens: q.served,
      countedTokens: q.counted,
      threshold: 0.1,
    });
    expect(qwen3.uncountedShare!).toBeGreaterThan(0.25);
    expect(qwen3.message).toContain(
      `served ${new Intl.NumberFormat('en').format(q.served)} tokens`,
    );
    expect(qwen3.message).toMatch(/stream_options/);
    const simulator = await check.check({
      modelName: 'simulator',
      limitadorNamespace: 'llm/simulator-route',
      tokenLimited: true,
      nowSeconds: t,
    });
    expect(simulator).toMatchObject({
      state: 'counted',
      servedTokens: truth('simulator').served,
      uncountedShare: 0,
    });
  });

  it('has nothing to compare without a token limit, and says so when the model has no token series', async () => {
    const { client, counter } = counting(prometheus);
    const check = new TokenCheckService({ prometheus: client, threshold: 0.1 });
    const untouched = await check.check({
      modelName: 'legacy',
      limitadorNamespace: 'llm/legacy-route',
      tokenLimited: false,
    });
    expect(untouched.state).toBe('no-token-limit');
    expect(counter.queries).toBe(0);
    const none = await check.check({
      modelName: 'unscraped',
      limitadorNamespace: 'llm/unscraped-route',
      tokenLimited: true,
      nowSeconds: summary.endTime,
    });
    expect(none.state).toBe('no-data');
    expect(none.message).toMatch(/No vLLM token counters for model unscraped/);
  });
});
