/* The harness data's own figures for the costs tests: each user's calls and tokens per route in a range, and what they cost under costPricing, computed from the raw series and the price sheet, not by the code under test. */
import {
  countedInWindow,
  harnessMetrics,
  selectSeries,
} from '@maas-portal/harness/testing';
import { costPricing } from './costFixtures';

type Summary = ReturnType<typeof harnessMetrics>;

/**
 * Each user's calls and tokens per route from `start` to `end`, and the tier, as the harness data
 * counts them: on a route under both a RateLimitPolicy and a TokenRateLimitPolicy, Limitador's
 * counters hold each served call twice and the calls in the hits, by the rule generator.test.ts
 * proves (authorized_calls = 2 × served + token refusals, authorized_hits = served + token refusals +
 * tokens).
 */
export function truthLines(summary: Summary, start: number, end: number) {
  const counted = (metric: string, labels: Record<string, string>) =>
    selectSeries(summary, metric, labels)
      .map(s => countedInWindow(summary, s, start, end))
      .reduce((a, b) => a + b, 0);
  return summary.routes
    .filter(r => r.perUserLabels && !r.noSeries)
    .flatMap(r =>
      r.users.map(user => {
        const tier = summary.users.find(u => u.user === user)!.group;
        const own = { limitador_namespace: r.limitadorNamespace, user };
        const calls = counted('authorized_calls', own);
        const hits = counted('authorized_hits', own);
        const tokenRefused = r.requestAndTokenLimits
          ? counted('limited_calls', {
              ...own,
              limit_name: `${tier}-user-tokens`,
            })
          : 0;
        const served = r.requestAndTokenLimits
          ? (calls - tokenRefused) / 2
          : calls;
        return {
          user,
          route: r.limitadorNamespace,
          tier,
          calls: served,
          tokens: r.requestAndTokenLimits ? hits - served - tokenRefused : hits,
        };
      }),
    );
}

/** The cost of one line as a price sheet computes it: model price over tier price, to the cent. */
export function expectedCost(line: ReturnType<typeof truthLines>[number]) {
  const tier = costPricing.tiers.find(t => t.tier === line.tier)!;
  const model = costPricing.models.find(m => `${m.model}-route` === line.route);
  const perMillion = model?.perMillionTokens ?? tier.perMillionTokens ?? 0;
  const perThousand = tier.perThousandRequests ?? 0;
  return (
    Math.round(
      ((line.calls / 1000) * perThousand + (line.tokens / 1e6) * perMillion) *
        100,
    ) / 100
  );
}
