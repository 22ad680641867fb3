/*
 * Quota left. From Limitador: the harness's real Limitador, with counters made by real calls through
 * the harness's gateway on a route whose limits the real kuadrant-operator wrote. Estimates: the
 * harness's real Prometheus on the backfilled data (Kuadrant 1.3 + TelemetryPolicy shape, with user
 * and group labels, which the live Limitador of Kuadrant 1.2 does not export); those tests say so.
 */
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { TierView } from '@maas-portal/plugin-maas-common';
import { harnessEnv, limitadorCounters } from '@maas-portal/harness/testing';
import { HttpLimitadorClient } from '../limitador/LimitadorClient';
import { counting } from '../__testUtils__/countingPrometheus';
import { datasetRouteLimits } from '../__testUtils__/datasetPolicies';
import { LimitedRoute, startLimitedRoute } from '../__testUtils__/limitedRoute';
import { QuotaService } from './QuotaService';

import { useBackfilledPrometheus } from '../__testUtils__/backfilledPrometheus';

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

describe('quota left, from Limitador or estimated from the real Prometheus', () => {
  const data = useBackfilledPrometheus();

  it('estimates what a user has left of each limit from the last window of the metrics, in one query for any number of tiers (backfilled data)', async () => {
    const { client, counter } = counting(data.prometheus);
    const t = data.summary.endTime;
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
    const calls = data.countedBefore('authorized_calls', own, t, 120);
    const tokens = data.countedBefore('authorized_hits', own, t, 60);
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
    const { client, counter } = counting(data.prometheus);
    const t = data.summary.endTime;
    const both = 'llm/both-route';
    // A caller of the route whose last hour is not their idle one (each series has one).
    const { user, group } = data.summary.users.find(
      u =>
        data.countedBefore(
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
      limits: datasetRouteLimits(data.summary)(both),
      nowSeconds: t,
    });
    expect(counter.queries).toBe(1);
    expect(quota.source).toBe('estimate');
    const own = { limitador_namespace: both, user, group };
    const a = data.countedBefore('authorized_calls', own, t, 3600);
    const h = data.countedBefore('authorized_hits', own, t, 3600);
    const tokenRefused = data.countedBefore(
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
    const t = data.summary.endTime;
    // qwen3-route's limits as a cluster whose kuadrant-operator (v1.2) leaves its TokenRateLimitPolicy
    // out would read them: the RateLimitPolicy only (ModelService.routeLimits).
    const requestsOnly = datasetRouteLimits({
      ...data.summary,
      routes: data.summary.routes.map(r =>
        r.limitadorNamespace === 'llm/qwen3-route'
          ? { ...r, hitsUnit: 'calls' as const }
          : r,
      ),
    })('llm/qwen3-route');
    expect(requestsOnly!.tiers.premium).toEqual({
      requests: true,
      tokens: false,
    });
    const quota = await new QuotaService({
      prometheus: data.prometheus,
    }).getQuota({
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
    expect(data.countedBefore('authorized_hits', own, t, 60)).toBeGreaterThan(
      0,
    );
    const [premium] = quota.tiers;
    expect(premium.requests!.remaining).toBe(
      100000 - data.countedBefore('authorized_calls', own, t, 3600),
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
    const service = new QuotaService({ prometheus: data.prometheus });
    const unlabelled = await service.getQuota({
      userId: 'freeuser1',
      limitadorNamespace: 'llm/legacy-route',
      tiers: [tier('free', [5, '2m'], [100000, '1m'])],
      nowSeconds: data.summary.endTime,
    });
    expect(unlabelled.tiers).toEqual([]);
    expect(unlabelled.message).toMatch(
      /carry no user labels.*maas\.limitador\.url.*TelemetryPolicy/,
    );
    const none = await service.getQuota({
      userId: 'freeuser1',
      limitadorNamespace: 'llm/unscraped-route',
      tiers: [tier('free', [5, '2m'], undefined)],
      nowSeconds: data.summary.endTime,
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
      const { client, counter } = counting(data.prometheus);
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
      prometheus: data.prometheus,
      limitador: new HttpLimitadorClient({
        url: `http://127.0.0.1:${port}`,
        timeoutMs: 2000,
      }),
    }).getQuota({
      userId: 'freeuser1',
      limitadorNamespace: 'llm/simulator-route',
      tiers: [tier('free', [5, '2m'], undefined)],
      nowSeconds: data.summary.endTime,
    });
    expect(quota.source).toBe('estimate');
    expect(quota.warnings[0]).toMatch(
      /Limitador \(maas\.limitador\.url\) is unreachable .*estimated from the metrics instead/,
    );
  });
});
