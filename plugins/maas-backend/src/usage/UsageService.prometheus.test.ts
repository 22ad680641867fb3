/* UsageService's counts on the harness's backfilled data in its real Prometheus: ranges, totals, a user's own usage, a route under both policies, last calls. */
import { ModelUsage, UsageRange } from '@maas-portal/plugin-maas-common';
import { selectSeries } from '@maas-portal/harness/testing';
import { counting } from '../__testUtils__/countingPrometheus';
import { datasetRouteLimits } from '../__testUtils__/datasetPolicies';
import { UsageService } from './UsageService';

import {
  sum,
  totalOf,
  useUsageOnBackfilledData,
} from '../__testUtils__/usageOnBackfilledData';

const pointsOf = (series: ModelUsage['authorized']) =>
  sum(series.flatMap(s => s.points.map(([, v]) => v)));

describe('UsageService against the real Prometheus with the generated data', () => {
  const bed = useUsageOnBackfilledData();
  const simulator = {
    limitadorNamespace: 'llm/simulator-route',
    modelName: 'simulator',
    scope: 'all' as const,
  };

  it('ends every range now, and its points add up exactly to its total, on data that ends between samples', async () => {
    expect(bed.summary.endTime % 300).not.toBe(0);
    for (const range of ['1h', '24h', '7d'] as UsageRange[]) {
      const { usage, queries } = await bed.usageAt({ ...simulator, range });
      expect(usage.state).toBe('calls');
      // Now, to 15 s (so that loads within 15 s share Prometheus answers).
      expect(bed.now - usage.end).toBeGreaterThanOrEqual(0);
      expect(bed.now - usage.end).toBeLessThan(15);
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
      const { usage } = await bed.usageAt({ ...simulator, range });
      byRange[range] = usage;
      expect(totalOf(usage.authorized)).toBe(
        bed.countedBefore('authorized_calls', ns, usage.end, seconds),
      );
      expect(totalOf(usage.tokens)).toBe(
        bed.countedBefore('authorized_hits', ns, usage.end, seconds),
      );
      expect(totalOf(usage.limited)).toBe(
        bed.countedBefore('limited_calls', ns, usage.end, seconds),
      );
      expect(usage.promptTokens!.total).toBe(
        bed.countedBefore(
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
      expect(Math.abs(since - bed.summary.startTime)).toBeLessThanOrEqual(
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
    const { usage, queries } = await bed.usageAt({
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
      bed.countedBefore('authorized_calls', own, usage.end, 3600),
    );
    expect(usage.tokens[0].total).toBe(
      bed.countedBefore('authorized_hits', own, usage.end, 3600),
    );
    expect(usage.topUsers).toBeUndefined();
    expect(usage.promptTokens).toBeUndefined();
    expect(queries).toBe(3);
  });

  describe('on Kuadrant-1.3-shaped backfilled data: a route under a RateLimitPolicy and a TokenRateLimitPolicy', () => {
    const both = 'llm/both-route';
    const whole = (by: 'servedCalls' | 'countedTokens', who: string) =>
      bed.summary[by]![both][who] +
      bed.summary[`${by}BeforeData` as const]![both][who];

    it("counts each call once and only its tokens, exactly the data's served calls and counted tokens, in everyone's totals, tiers and top users", async () => {
      // 24 hours reach back before the data: the counts before it are in the series too.
      const { usage, queries } = await bed.usageAt({
        range: '24h',
        limitadorNamespace: both,
        modelName: 'both',
        scope: 'all',
      });
      expect(queries).toBe(4);
      expect(usage.state).toBe('calls');
      expect(totalOf(usage.authorized)).toBe(whole('servedCalls', '_all'));
      expect(totalOf(usage.tokens)).toBe(whole('countedTokens', '_all'));
      // Limitador's own counter says more than twice as much: each served call twice, plus the
      // calls the token limit refused after the request limit let them through.
      expect(
        bed.countedBefore(
          'authorized_calls',
          { limitador_namespace: both },
          usage.end,
          86400,
        ),
      ).toBeGreaterThan(2 * totalOf(usage.authorized));
      for (const s of [...usage.authorized, ...usage.tokens]) {
        expect(s.totalAtLeast).toBeUndefined();
        expect(pointsOf([s])).toBe(s.total);
      }
      const users = bed.summary.routes.find(
        r => r.limitadorNamespace === both,
      )!.users;
      for (const user of users) {
        const tier = bed.summary.users.find(u => u.user === user)!.group;
        expect(usage.authorized.find(s => s.tier === tier)!.total).toBe(
          whole('servedCalls', user),
        );
        expect(usage.tokens.find(s => s.tier === tier)!.total).toBe(
          whole('countedTokens', user),
        );
        expect(usage.topUsers!.find(u => u.user === user)).toEqual({
          user,
          tier,
          calls: whole('servedCalls', user),
          tokens: whole('countedTokens', user),
        });
      }
      expect(usage.counting).toEqual(
        ['enterprise', 'free', 'premium'].map(tier => ({
          tier,
          basis: 'requests-and-tokens',
          tokensCounted: true,
          exact: true,
        })),
      );
      expect(usage.countingNotes![0]).toMatch(
        /^Counted for tier enterprise, tier free, tier premium under a RateLimitPolicy and a TokenRateLimitPolicy: Limitador counts each served call twice/,
      );
    });

    it("gives a user their own calls and tokens once over the data's last hour, as the data's per-step counts give them", async () => {
      const { usage } = await bed.usageAt(
        {
          range: '1h',
          limitadorNamespace: both,
          modelName: 'both',
          scope: 'user',
          userId: 'freeuser1',
        },
        bed.summary.endTime,
      );
      // The last hour is the data's last segment: its served calls are the per-step increase of
      // authorized_calls less token refusals, halved (generator.test.ts proves the rule).
      const step = (metric: string, labels: Record<string, string>) =>
        sum(
          selectSeries(bed.summary, metric, labels).map(
            s => s.perStepIncrease.at(-1)!,
          ),
        ) *
        (3600 / bed.summary.stepSeconds);
      const own = { limitador_namespace: both, user: 'freeuser1' };
      const tokenRefused = step('limited_calls', {
        ...own,
        limit_name: 'free-user-tokens',
      });
      const served = (step('authorized_calls', own) - tokenRefused) / 2;
      expect(Number.isInteger(served)).toBe(true);
      expect(usage.authorized).toEqual([
        expect.objectContaining({ tier: 'free', total: served }),
      ]);
      expect(usage.tokens[0].total).toBe(
        step('authorized_hits', own) - served - tokenRefused,
      );
    });

    it('bounds calls and tokens, and says so, when the refusals carry no limit name', async () => {
      // The same counters, read as a Limitador without telemetry: exhaustive would give them: the
      // token limit's refusals then look like the request limit's.
      const limits = datasetRouteLimits(bed.summary)(both)!;
      const { usage } = await bed.usageAt({
        range: '24h',
        limitadorNamespace: both,
        modelName: 'both',
        scope: 'user',
        userId: 'freeuser1',
        limits: { ...limits, sharedLimitNames: limits.tokenLimitNames },
      });
      // The served calls lie within the bounds; the most assumes no refusal was the token limit's.
      const [calls] = usage.authorized;
      const served = whole('servedCalls', 'freeuser1');
      expect(calls.totalAtLeast).toBeLessThanOrEqual(served);
      expect(calls.total).toBeGreaterThan(served);
      const [tokens] = usage.tokens;
      const counted = whole('countedTokens', 'freeuser1');
      expect(tokens.totalAtLeast).toBeLessThanOrEqual(counted);
      expect(tokens.total).toBeGreaterThan(counted);
      expect(usage.counting).toEqual([
        {
          tier: 'free',
          basis: 'requests-and-tokens',
          tokensCounted: true,
          exact: false,
        },
      ]);
      expect(usage.countingNotes!.join(' ')).toMatch(
        /An estimate: .* tier free: between \d[\d,]* and \d[\d,]* calls, between \d[\d,]* and \d[\d,]* tokens/,
      );
    });
  });

  it('shows no tokens on a route under a RateLimitPolicy only: its authorized_hits are calls', async () => {
    const { usage } = await bed.usageAt({
      range: '24h',
      limitadorNamespace: 'llm/legacy-route',
      modelName: 'legacy',
      scope: 'all',
    });
    expect(usage.hitsCounted).toBe(true);
    expect(usage.tokens).toEqual([]);
    expect(usage.counting).toEqual([
      { tier: null, basis: 'requests', tokensCounted: false, exact: true },
    ]);
    expect(usage.authorized[0].total).toBe(
      bed.countedBefore(
        'authorized_calls',
        { limitador_namespace: 'llm/legacy-route' },
        usage.end,
        86400,
      ),
    );
  });

  it('names the routes whose calls carry no user label (llm/legacy-route) in one query, and not the labelled ones', async () => {
    const { client, counter } = counting(bed.prometheus);
    const unlabelled = await new UsageService({
      prometheus: client,
    }).routesWithoutUserLabels(
      ['llm/legacy-route', 'llm/simulator-route', 'llm/qwen3-route'],
      bed.summary.endTime,
    );
    expect([...unlabelled]).toEqual(['llm/legacy-route']);
    expect(counter.queries).toBe(1);
  });

  it('tells when each user last called a route, to 5 minutes, in one query', async () => {
    const { client, counter } = counting(bed.prometheus);
    const users = [
      'freeuser1',
      'freeuser2',
      'premiumuser1',
      'premiumuser2',
      'enterpriseuser1',
    ];
    const lastCalls = await new UsageService({ prometheus: client }).lastCalls(
      users.map(user => ({ user, limitadorNamespace: 'llm/simulator-route' })),
      bed.summary.endTime,
    );
    let checked = 0;
    for (const s of bed.summary.series) {
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
        Math.abs(got - bed.summary.checkpoints[lastActive + 1]),
      ).toBeLessThanOrEqual(300);
      checked++;
    }
    expect(checked).toBe(users.length);
    expect(lastCalls.size).toBe(users.length);
    expect(counter.queries).toBe(1);
  });
});
