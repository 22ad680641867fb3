/*
 * Quota left, refusals by limit and the token-count check. Quota left from Limitador: the harness's
 * real Limitador, with counters made by real calls through the harness's gateway on a route whose
 * limits the real kuadrant-operator wrote. Estimates, refusals and the token check: the harness's
 * real Prometheus on the backfilled data (Kuadrant 1.3 + TelemetryPolicy shape, with user and group
 * labels, which the live Limitador of Kuadrant 1.2 does not export); those tests say so.
 */
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { TierView } from '@maas-portal/plugin-maas-common';
import {
  countedInWindow,
  harnessEnv,
  harnessMetrics,
  limitadorCounters,
  selectSeries,
} from '@maas-portal/harness/testing';
import { HttpLimitadorClient } from '../limitador/LimitadorClient';
import { HttpPrometheusClient } from '../prometheus/HttpPrometheusClient';
import { counting } from '../__testUtils__/countingPrometheus';
import { datasetRouteLimits } from '../__testUtils__/datasetPolicies';
import { LimitedRoute, startLimitedRoute } from '../__testUtils__/limitedRoute';
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

  it('estimates what a user has left of each limit from the last window of the metrics, in one query for any number of tiers (backfilled data)', async () => {
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

  it('estimates on a route under both a RateLimitPolicy and a TokenRateLimitPolicy by what each limit counted, not by the raw metrics (Kuadrant-1.3-shaped backfilled data)', async () => {
    const { client, counter } = counting(prometheus);
    const t = summary.endTime;
    const both = 'llm/both-route';
    // A caller of the route whose last hour is not their idle one (each series has one).
    const { user, group } = summary.users.find(
      u =>
        used(
          'authorized_calls',
          { limitador_namespace: both, user: u.user },
          t,
          3600,
        ) > 0,
    )!;
    const quota = await new QuotaService({ prometheus: client }).getQuota({
      userId: user,
      limitadorNamespace: both,
      tiers: [tier(group, [100000, '1h'], [10000000, '1h'])],
      limits: datasetRouteLimits(summary)(both),
      nowSeconds: t,
    });
    expect(counter.queries).toBe(1);
    expect(quota.source).toBe('estimate');
    const own = { limitador_namespace: both, user, group };
    const a = used('authorized_calls', own, t, 3600);
    const h = used('authorized_hits', own, t, 3600);
    const tokenRefused = used(
      'limited_calls',
      { ...own, limit_name: `${group}-user-tokens` },
      t,
      3600,
    );
    // Limitador counts a served call twice in authorized_calls (once per policy) and once more in
    // authorized_hits; a call the token limit refused once in each (generator.test.ts proves it).
    const served = (a - tokenRefused) / 2;
    expect(Number.isInteger(served)).toBe(true);
    expect(served).toBeGreaterThan(0);
    const [mine] = quota.tiers;
    // The request limit's counter holds the calls it let through: served, and refused by the token limit.
    expect(mine.requests!.remaining).toBe(100000 - (served + tokenRefused));
    // The token limit's counter holds the responses' tokens: authorized_hits less the request limit's 1 per call.
    expect(mine.tokens!.remaining).toBe(10000000 - (h - served - tokenRefused));
    // Read as reported, the raw metrics would have said less is left.
    expect(mine.requests!.remaining).toBeGreaterThan(100000 - a);
    expect(mine.tokens!.remaining).toBeGreaterThan(10000000 - h);
  });

  it("says a token limit the cluster's Kuadrant does not enforce is not counted, instead of estimating it from authorized_hits (backfilled data)", async () => {
    const t = summary.endTime;
    // qwen3-route's limits as a cluster whose kuadrant-operator (v1.2) leaves its TokenRateLimitPolicy
    // out would read them: the RateLimitPolicy only (ModelService.routeLimits).
    const requestsOnly = datasetRouteLimits({
      ...summary,
      routes: summary.routes.map(r =>
        r.limitadorNamespace === 'llm/qwen3-route'
          ? { ...r, hitsUnit: 'calls' as const }
          : r,
      ),
    })('llm/qwen3-route');
    expect(requestsOnly!.tiers.premium).toEqual({
      requests: true,
      tokens: false,
    });
    const quota = await new QuotaService({ prometheus }).getQuota({
      userId: 'premiumuser1',
      limitadorNamespace: 'llm/qwen3-route',
      tiers: [tier('premium', [100000, '1h'], [2000, '1m'])],
      limits: requestsOnly,
      nowSeconds: t,
    });
    const own = {
      limitador_namespace: 'llm/qwen3-route',
      user: 'premiumuser1',
      group: 'premium',
    };
    expect(used('authorized_hits', own, t, 60)).toBeGreaterThan(0);
    const [premium] = quota.tiers;
    expect(premium.requests!.remaining).toBe(
      100000 - used('authorized_calls', own, t, 3600),
    );
    expect(premium.tokens).toEqual({
      limitName: 'premium-user-tokens',
      limit: 2000,
      window: '1m',
      windowSeconds: 60,
      remaining: 2000,
      notEnforced: expect.stringMatching(
        /^Limitador enforces no premium-user-tokens limit on this route, so your tokens are not counted against it/,
      ),
    });
  });

  it('says why it cannot estimate on a route without user labels, and warns on a route with no series (backfilled data)', async () => {
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

  describe('with the real Limitador, counting real calls through the gateway', () => {
    let route: LimitedRoute;
    beforeAll(async () => {
      route = await startLimitedRoute('quota', {
        'quota-free': 'free',
        'quota-over': 'free',
      });
    }, 240_000);
    afterAll(() => route?.stop());

    /** The user's tiers as the tiers view gives them: free, and premium with no call in it. */
    const tiers = [
      tier('free', [5, '2m'], undefined),
      tier('premium', [20, '2m'], undefined),
    ];

    /**
     * The user's quota from Limitador through the service, then Limitador's own counter of them,
     * with the time the two reads took: the quota was read first, so its reset time is at least
     * the counter's and at most a second (Limitador truncates) plus that time more.
     */
    async function quotaAndCounter(userId: string) {
      const { client, counter } = counting(prometheus);
      const startedAt = Date.now();
      const quota = await new QuotaService({
        prometheus: client,
        limitador: new HttpLimitadorClient({
          url: harnessEnv('MAAS_HARNESS_LIMITADOR_URL'),
          timeoutMs: 2000,
        }),
      }).getQuota({
        userId,
        limitadorNamespace: route.limitadorNamespace,
        tiers,
      });
      const own = (await limitadorCounters(route.limitadorNamespace)).filter(
        c => Object.values(c.set_variables).includes(userId),
      );
      const seconds = (Date.now() - startedAt) / 1000;
      expect(counter.queries).toBe(0);
      expect(quota.source).toBe('limitador');
      expect(own).toHaveLength(1);
      const free = quota.tiers.find(t => t.tier === 'free')!.requests!;
      expect(free).toMatchObject({
        limitName: 'free-user-requests',
        limit: 5,
        window: '2m',
        windowSeconds: 120,
        remaining: own[0].remaining,
      });
      expect(free.resetsInSeconds).toBeGreaterThanOrEqual(
        own[0].expires_in_seconds,
      );
      expect(free.resetsInSeconds).toBeLessThanOrEqual(
        own[0].expires_in_seconds + 1 + seconds,
      );
      return { quota, free };
    }

    it("reads what is left and when it resets from Limitador's counters after real calls, without asking Prometheus", async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push(await route.call('quota-free'));
      expect(statuses).toEqual([200, 200, 200]);
      const { quota, free } = await quotaAndCounter('quota-free');
      expect(free.remaining).toBe(2);
      expect(free.resetsInSeconds).toBeGreaterThan(60);
      // No call under the premium limit: no counter, all of it left, no reset time.
      const premium = quota.tiers.find(t => t.tier === 'premium')!;
      expect(premium.requests).toMatchObject({ remaining: 20, limit: 20 });
      expect(premium.requests!.resetsInSeconds).toBeUndefined();
      expect(premium.tokens).toBeNull();
    }, 60_000);

    it('says a token limit Limitador does not enforce (kuadrant-operator v1.2.0 has no TokenRateLimitPolicy controller) is not enforced, not "all left"', async () => {
      expect(await route.call('quota-free')).toBe(200);
      const quota = await new QuotaService({
        limitador: new HttpLimitadorClient({
          url: harnessEnv('MAAS_HARNESS_LIMITADOR_URL'),
          timeoutMs: 2000,
        }),
      }).getQuota({
        userId: 'quota-free',
        limitadorNamespace: route.limitadorNamespace,
        tiers: [tier('free', [5, '2m'], [1000, '1m'])],
      });
      const free = quota.tiers[0];
      // The request limit is Limitador's: counted.
      expect(free.requests!.notEnforced).toBeUndefined();
      expect(free.requests!.resetsInSeconds).toBeGreaterThan(0);
      // The token limit is in the policy the tiers view read, but not in Limitador.
      expect(free.tokens!.notEnforced).toBe(
        'Limitador enforces no free-user-tokens limit on this route, so your tokens are not counted against it: kuadrant-operator reconciles TokenRateLimitPolicy from Kuadrant 1.3 on.',
      );
    }, 60_000);

    it('says nothing is left, and when it resets, for a user the limit refused', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push(await route.call('quota-over'));
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
      const { free } = await quotaAndCounter('quota-over');
      expect(free.remaining).toBe(0);
      expect(free.resetsInSeconds).toBeGreaterThan(0);
    }, 60_000);
  });

  it('falls back to the estimate (backfilled data), saying why, when Limitador is unreachable (a closed port)', async () => {
    const closed = createServer();
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve));
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

  it('tells a user which limit refused their calls and how often, in one query (backfilled data)', async () => {
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

  it("gives admins everyone's refusals per user, and says when Limitador reports no limit names (backfilled data)", async () => {
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

  it("says token limits are not counted for the model whose vLLM counters exceed Limitador's, with the figures (backfilled data)", async () => {
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
    // The policies the data was counted under: a TokenRateLimitPolicy only on both routes.
    const limitsOf = datasetRouteLimits(summary);
    const qwen3 = await check.check({
      modelName: 'qwen3',
      limitadorNamespace: 'llm/qwen3-route',
      limits: limitsOf('llm/qwen3-route'),
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
      limits: limitsOf('llm/simulator-route'),
      nowSeconds: t,
    });
    expect(simulator).toMatchObject({
      state: 'counted',
      servedTokens: truth('simulator').served,
      uncountedShare: 0,
    });
  });

  it("compares vLLM's tokens with the tokens Limitador counted under both a RateLimitPolicy and a TokenRateLimitPolicy, not with authorized_hits (Kuadrant-1.3-shaped backfilled data)", async () => {
    const { client, counter } = counting(prometheus);
    const check = new TokenCheckService({ prometheus: client, threshold: 0.1 });
    const t = summary.endTime;
    const both = 'llm/both-route';
    const result = await check.check({
      modelName: 'both',
      limitadorNamespace: both,
      limits: datasetRouteLimits(summary)(both),
      nowSeconds: t,
    });
    expect(counter.queries).toBe(1);
    const served =
      used('vllm:prompt_tokens_total', { model_name: 'both' }, t, 3600) +
      used('vllm:generation_tokens_total', { model_name: 'both' }, t, 3600);
    const route = { limitador_namespace: both };
    const a = used('authorized_calls', route, t, 3600);
    const h = used('authorized_hits', route, t, 3600);
    const tokenRefused = summary.tiers
      .map(name =>
        used(
          'limited_calls',
          { ...route, limit_name: `${name}-user-tokens` },
          t,
          3600,
        ),
      )
      .reduce((x, y) => x + y, 0);
    // Per call: authorized_calls + 2 and authorized_hits + 1 + tokens; a token refusal + 1 in each.
    const calls = (a - tokenRefused) / 2;
    expect(calls).toBeGreaterThan(0);
    const countedTokens = h - calls - tokenRefused;
    // The data's vLLM counts every token Limitador counted (no uncounted share on both-route).
    expect(countedTokens).toBe(served);
    expect(result).toMatchObject({
      state: 'counted',
      servedTokens: served,
      countedTokens,
      uncountedShare: 0,
    });
    const format = new Intl.NumberFormat('en').format;
    expect(result.message).toBe(
      `Token limits are counted: the model served ${format(
        served,
      )} tokens in the last hour and Limitador counted ${format(
        countedTokens,
      )}: 0 % uncounted, where up to 10 % is accepted (maas.usage.tokenMismatchShare).`,
    );
    // authorized_hits as reported would have counted the request limit's 1 per call as tokens.
    expect(h).toBe(countedTokens + calls + tokenRefused);
    expect(h).toBeGreaterThan(served);
  });

  it('does not compare when a tier that called has no token limit: vLLM does not split tokens by tier (backfilled data)', async () => {
    const { client, counter } = counting(prometheus);
    const check = new TokenCheckService({ prometheus: client, threshold: 0.1 });
    const both = 'llm/both-route';
    const limits = datasetRouteLimits(summary)(both)!;
    const result = await check.check({
      modelName: 'both',
      limitadorNamespace: both,
      // Tier free under the RateLimitPolicy only: its authorized_hits are 1 per call, not tokens.
      limits: {
        ...limits,
        tiers: { ...limits.tiers, free: { requests: true, tokens: false } },
      },
      nowSeconds: summary.endTime,
    });
    expect(counter.queries).toBe(1);
    expect(
      used(
        'authorized_calls',
        { limitador_namespace: both, group: 'free' },
        summary.endTime,
        3600,
      ),
    ).toBeGreaterThan(0);
    expect(result.state).toBe('no-data');
    expect(result.countedTokens).toBeUndefined();
    expect(result.message).toMatch(
      /^Limitador counts no tokens for tier free \(a RateLimitPolicy only: .*\), which called the model in the last hour; vLLM's tokens are not split by tier, so the two cannot be compared\.$/,
    );
  });

  it('has nothing to compare without a token limit, and says so when the model has no token series (backfilled data)', async () => {
    const { client, counter } = counting(prometheus);
    const check = new TokenCheckService({ prometheus: client, threshold: 0.1 });
    const limitsOf = datasetRouteLimits(summary);
    // legacy-route's data was counted under a RateLimitPolicy only.
    const untouched = await check.check({
      modelName: 'legacy',
      limitadorNamespace: 'llm/legacy-route',
      limits: limitsOf('llm/legacy-route'),
    });
    expect(untouched.state).toBe('no-token-limit');
    expect(counter.queries).toBe(0);
    // A route the cluster does not know: which counters are tokens cannot be told.
    const unknown = await check.check({
      modelName: 'qwen3',
      limitadorNamespace: 'llm/qwen3-route',
      limits: undefined,
    });
    expect(unknown.state).toBe('no-data');
    expect(unknown.message).toMatch(
      /^The cluster does not know the HTTPRoute llm\/qwen3-route/,
    );
    expect(counter.queries).toBe(0);
    const none = await check.check({
      modelName: 'unscraped',
      limitadorNamespace: 'llm/unscraped-route',
      // Under a token limit, but without series.
      limits: limitsOf('llm/qwen3-route'),
      nowSeconds: summary.endTime,
    });
    expect(none.state).toBe('no-data');
    expect(none.message).toMatch(/No vLLM token counters for model unscraped/);
  });
});
