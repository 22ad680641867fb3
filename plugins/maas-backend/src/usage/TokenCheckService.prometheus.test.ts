/*
 * The token-count check: vLLM's token counters against the tokens Limitador counted, from the
 * harness's real Prometheus on the backfilled data (Kuadrant 1.3 + TelemetryPolicy shape).
 */
import { counting } from '../__testUtils__/countingPrometheus';
import { datasetRouteLimits } from '../__testUtils__/datasetPolicies';
import { TokenCheckService } from './TokenCheckService';

import { useBackfilledPrometheus } from '../__testUtils__/backfilledPrometheus';

describe("the token check (vLLM's tokens against Limitador's) against the real Prometheus (backfilled data)", () => {
  const data = useBackfilledPrometheus();

  it("says token limits are not counted for the model whose vLLM counters exceed Limitador's, with the figures (backfilled data)", async () => {
    const { client, counter } = counting(data.prometheus);
    const check = new TokenCheckService({ prometheus: client, threshold: 0.1 });
    const t = data.summary.endTime;
    const truth = (route: 'qwen3' | 'simulator') => {
      const served =
        data.countedBefore(
          'vllm:prompt_tokens_total',
          { model_name: route },
          t,
          3600,
        ) +
        data.countedBefore(
          'vllm:generation_tokens_total',
          { model_name: route },
          t,
          3600,
        );
      const counted = data.countedBefore(
        'authorized_hits',
        { limitador_namespace: `llm/${route}-route` },
        t,
        3600,
      );
      return { served, counted };
    };
    // The policies the data was counted under: a TokenRateLimitPolicy only on both routes.
    const limitsOf = datasetRouteLimits(data.summary);
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
    const { client, counter } = counting(data.prometheus);
    const check = new TokenCheckService({ prometheus: client, threshold: 0.1 });
    const t = data.summary.endTime;
    const both = 'llm/both-route';
    const result = await check.check({
      modelName: 'both',
      limitadorNamespace: both,
      limits: datasetRouteLimits(data.summary)(both),
      nowSeconds: t,
    });
    expect(counter.queries).toBe(1);
    const served =
      data.countedBefore(
        'vllm:prompt_tokens_total',
        { model_name: 'both' },
        t,
        3600,
      ) +
      data.countedBefore(
        'vllm:generation_tokens_total',
        { model_name: 'both' },
        t,
        3600,
      );
    const route = { limitador_namespace: both };
    const a = data.countedBefore('authorized_calls', route, t, 3600);
    const h = data.countedBefore('authorized_hits', route, t, 3600);
    const tokenRefused = data.summary.tiers
      .map(name =>
        data.countedBefore(
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
    const { client, counter } = counting(data.prometheus);
    const check = new TokenCheckService({ prometheus: client, threshold: 0.1 });
    const both = 'llm/both-route';
    const limits = datasetRouteLimits(data.summary)(both)!;
    const result = await check.check({
      modelName: 'both',
      limitadorNamespace: both,
      // Tier free under the RateLimitPolicy only: its authorized_hits are 1 per call, not tokens.
      limits: {
        ...limits,
        tiers: { ...limits.tiers, free: { requests: true, tokens: false } },
      },
      nowSeconds: data.summary.endTime,
    });
    expect(counter.queries).toBe(1);
    expect(
      data.countedBefore(
        'authorized_calls',
        { limitador_namespace: both, group: 'free' },
        data.summary.endTime,
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
    const { client, counter } = counting(data.prometheus);
    const check = new TokenCheckService({ prometheus: client, threshold: 0.1 });
    const limitsOf = datasetRouteLimits(data.summary);
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
      nowSeconds: data.summary.endTime,
    });
    expect(none.state).toBe('no-data');
    expect(none.message).toMatch(/No vLLM token counters for model unscraped/);
  });
});
