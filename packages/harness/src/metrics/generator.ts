/*
 * A seeded, deterministic generator of Prometheus data shaped like a real Kuadrant install:
 * Limitador counters (no `_total` suffix), vLLM token counters and Limitador gauges.
 *
 * Pure: `generateMetricsDataset({ seed, endTime })` returns the same dataset for the same input,
 * with no clock or I/O. The harness backfills `toOpenMetrics(dataset)` into Prometheus with
 * `promtool tsdb create-blocks-from openmetrics` and writes `dataset.summary` as JSON to the file
 * named by MAAS_HARNESS_METRICS.
 *
 * Exactness: every counter is an integer that grows by a constant integer per step within each
 * hour-long segment, and there is a sample at every step from `startTime` to `endTime` inclusive.
 * So an instant query of a raw counter at any sample timestamp returns exactly `valueAt(series, t)`,
 * and `x - x offset W` (or `increase(x[W])` on Prometheus 2.x, whose range includes its left edge)
 * at T returns exactly `valueAt(T) - valueAt(T - W)` whenever T and T - W are sample timestamps
 * in [startTime, endTime].
 */
import {
  ALIGN_SECONDS,
  METRIC_FAMILIES,
  ROUTES,
  SEED_STREAM_ROUTES,
  TIERS,
  USERS,
} from './dataset.ts';
import type {
  MetricsDataset,
  MetricsDatasetOptions,
  MetricsDatasetSummary,
  RouteSpec,
  SeriesSummary,
  Tier,
  UserSpec,
} from './dataset.ts';

/** mulberry32: small, fast, deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function intBetween(rnd: () => number, min: number, max: number): number {
  return min + Math.floor(rnd() * (max - min + 1));
}

/** Calls per step (min, max) by tier; free users are the ones that hit their limits. */
const CALLS_PER_STEP: Record<Tier | 'legacy', [number, number]> = {
  free: [0, 2],
  premium: [1, 6],
  enterprise: [3, 15],
  legacy: [2, 10],
};
const LIMITED_PER_STEP: Record<Tier | 'legacy', [number, number]> = {
  free: [0, 3],
  premium: [0, 1],
  enterprise: [0, 0],
  legacy: [0, 2],
};

export function generateMetricsDataset(
  options: MetricsDatasetOptions,
): MetricsDataset {
  const seed = options.seed ?? 42;
  const hours = options.hours ?? 6;
  const step = options.stepSeconds ?? 60;
  if (!Number.isInteger(step) || step <= 0 || 3600 % step !== 0) {
    throw new Error(
      `stepSeconds must be a positive divisor of 3600, got ${step}`,
    );
  }
  if (!Number.isInteger(hours) || hours < 1)
    throw new Error(`hours must be a positive integer, got ${hours}`);
  // Ends on the step grid, so that a query at endTime over a whole number of steps is exact, but never
  // on a 5-minute boundary: charts whose windows end between samples are tested too.
  let endTime = Math.floor(options.endTime / step) * step;
  if (endTime % ALIGN_SECONDS === 0) endTime -= step;
  const segmentSeconds = 3600;
  const startTime = endTime - hours * segmentSeconds;
  const stepsPerSegment = segmentSeconds / step;
  const checkpoints = Array.from(
    { length: hours + 1 },
    (_, i) => startTime + i * segmentSeconds,
  );
  const routes = options.routes ?? ROUTES;
  const defaultRnd = prng(seed);
  // Routes beyond the default ones draw from a stream of their own, so that adding one leaves the
  // default routes' series as they were.
  const extraRnd = prng(seed + 0x9e3779b9);
  const rndOf = (route: RouteSpec) =>
    SEED_STREAM_ROUTES.includes(route) ? defaultRnd : extraRnd;
  const servedCalls: Record<string, Record<string, number>> = {};
  const countedTokens: Record<string, Record<string, number>> = {};
  const servedBefore: Record<string, Record<string, number>> = {};
  const tokensBefore: Record<string, Record<string, number>> = {};
  const series: SeriesSummary[] = [];

  const addCounter = (
    metric: string,
    labels: Record<string, string>,
    initialValue: number,
    perStep: number[],
  ) => {
    const values = [initialValue];
    for (let i = 0; i < hours; i++)
      values.push(values[i] + perStep[i] * stepsPerSegment);
    series.push({
      metric,
      kind: 'counter',
      labels,
      initialValue,
      perStepIncrease: perStep,
      valuesAtCheckpoints: values,
    });
  };

  const tierOf = (user: string): Tier => {
    const u = USERS.find(x => x.user === user);
    if (!u) throw new Error(`unknown user ${user}`);
    return u.group;
  };

  // Per model: tokens per step, per segment, summed over the route's callers.
  const promptPerStep = new Map<string, number[]>();
  const generationPerStep = new Map<string, number[]>();

  const scraped = routes.filter(r => !r.noSeries);
  for (const route of scraped) {
    const rnd = rndOf(route);
    const both = route.requestAndTokenLimits === true;
    const callers: Array<{ user?: UserSpec; profile: Tier | 'legacy' }> =
      route.perUserLabels
        ? route.users.map(u => ({
            user: { user: u, group: tierOf(u) },
            profile: tierOf(u),
          }))
        : [{ profile: 'legacy' }];
    const prompt = new Array<number>(hours).fill(0);
    const generation = new Array<number>(hours).fill(0);
    for (const caller of callers) {
      const base: Record<string, string> = {
        limitador_namespace: route.limitadorNamespace,
      };
      if (caller.user) {
        base.user = caller.user.user;
        base.group = caller.user.group;
      }
      const [cMin, cMax] = CALLS_PER_STEP[caller.profile];
      const [lMin, lMax] = LIMITED_PER_STEP[caller.profile];
      const calls: number[] = [];
      const limited: number[] = [];
      const hits: number[] = [];
      const tokenLimited: number[] = [];
      // One idle hour per per-user series, so that "no traffic in this window" is tested too.
      const idle = caller.user ? intBetween(rnd, 0, hours - 1) : -1;
      for (let s = 0; s < hours; s++) {
        let c = intBetween(rnd, cMin, cMax);
        let l = intBetween(rnd, lMin, lMax);
        const promptPerCall = intBetween(rnd, 20, 200);
        const completionPerCall = intBetween(rnd, 10, 400);
        if (s === idle) {
          c = 0;
          l = 0;
        } else if (c === 0) {
          c = 1;
        }
        const tokens = c * (promptPerCall + completionPerCall);
        // Tokens of streamed responses without usage: vLLM serves them, Limitador never hears of them.
        const uncounted = Math.round(tokens * (route.uncountedTokenShare ?? 0));
        const counted = route.hitsUnit === 'tokens' ? tokens - uncounted : c;
        if (both) {
          // Served: both checks count it; let through by the request limit, refused by the token limit: the
          // request limit counts it (calls and hits + 1), the token limit refuses it (see RouteSpec).
          const lt = s === idle ? 0 : intBetween(rnd, 0, lMax > 0 ? 1 : 0);
          tokenLimited.push(lt);
          calls.push(2 * c + lt);
          hits.push(c + lt + counted);
          if (caller.user) {
            const who = caller.user.user;
            const served = (servedCalls[route.limitadorNamespace] ??= {});
            const counts = (countedTokens[route.limitadorNamespace] ??= {});
            served[who] = (served[who] ?? 0) + c * stepsPerSegment;
            served._all = (served._all ?? 0) + c * stepsPerSegment;
            counts[who] = (counts[who] ?? 0) + counted * stepsPerSegment;
            counts._all = (counts._all ?? 0) + counted * stepsPerSegment;
          }
        } else {
          calls.push(c);
          hits.push(counted);
        }
        limited.push(l);
        prompt[s] += c * promptPerCall;
        generation[s] += c * completionPerCall;
      }
      // Under both policies the counts before the data follow the same rule as the data's own: served
      // calls and token refusals before it, in both counters.
      const before = both
        ? {
            served: intBetween(rnd, 0, 250),
            // A tier without refusals has no limited_calls series to hold them.
            tokenRefused: lMax > 0 ? intBetween(rnd, 0, 100) : 0,
            tokens: intBetween(rnd, 0, 50000),
          }
        : undefined;
      addCounter(
        'authorized_calls',
        { ...base },
        before
          ? 2 * before.served + before.tokenRefused
          : intBetween(rnd, 0, 500),
        calls,
      );
      addCounter(
        'authorized_hits',
        { ...base },
        before
          ? before.served + before.tokenRefused + before.tokens
          : intBetween(rnd, 0, 50000),
        hits,
      );
      if (before && caller.user) {
        const who = caller.user.user;
        const served = (servedBefore[route.limitadorNamespace] ??= {});
        const counts = (tokensBefore[route.limitadorNamespace] ??= {});
        served[who] = before.served;
        served._all = (served._all ?? 0) + before.served;
        counts[who] = before.tokens;
        counts._all = (counts._all ?? 0) + before.tokens;
      }
      if (lMax > 0) {
        const limitedLabels: Record<string, string> = {
          limitador_namespace: route.limitadorNamespace,
        };
        if (caller.user) {
          if (route.limitNames)
            limitedLabels.limit_name = `${caller.user.group}-user-requests`;
          limitedLabels.user = caller.user.user;
          limitedLabels.group = caller.user.group;
        }
        addCounter(
          'limited_calls',
          limitedLabels,
          intBetween(rnd, 0, 100),
          limited,
        );
        if (both && caller.user) {
          addCounter(
            'limited_calls',
            {
              ...limitedLabels,
              limit_name: `${caller.user.group}-user-tokens`,
            },
            before!.tokenRefused,
            tokenLimited,
          );
        }
      }
    }
    promptPerStep.set(route.model, prompt);
    generationPerStep.set(route.model, generation);
  }

  for (const route of scraped) {
    const labels = { model_name: route.model, namespace: route.namespace };
    addCounter(
      'vllm:prompt_tokens_total',
      { ...labels },
      intBetween(rndOf(route), 0, 100000),
      promptPerStep.get(route.model)!,
    );
    addCounter(
      'vllm:generation_tokens_total',
      { ...labels },
      intBetween(rndOf(route), 0, 100000),
      generationPerStep.get(route.model)!,
    );
  }
  for (const [metric, value] of [
    ['limitador_up', 1],
    ['datastore_partitioned', 0],
  ] as const) {
    series.push({
      metric,
      kind: 'gauge',
      labels: {},
      initialValue: value,
      perStepIncrease: new Array<number>(hours).fill(0),
      valuesAtCheckpoints: new Array<number>(hours + 1).fill(value),
    });
  }

  const totals: MetricsDatasetSummary['totals'] = {};
  for (const s of series) {
    if (s.kind !== 'counter') continue;
    const key = s.labels.limitador_namespace ?? s.labels.model_name;
    const who = s.labels.user ?? '_all';
    const inc = s.valuesAtCheckpoints[hours] - s.valuesAtCheckpoints[0];
    const byKey = (totals[s.metric] ??= {});
    const byWho = (byKey[key] ??= {});
    byWho[who] = (byWho[who] ?? 0) + inc;
    if (who !== '_all') byWho._all = (byWho._all ?? 0) + inc;
  }

  return {
    summary: {
      schemaVersion: 1,
      description:
        'Synthetic Kuadrant/vLLM metrics backfilled into the harness Prometheus. Every series has a sample every ' +
        'stepSeconds from startTime to endTime inclusive. Counters are integers; within segment i ' +
        '(checkpoints[i] < t <= checkpoints[i+1]) a counter grows by perStepIncrease[i] at each step. ' +
        'value(t) = initialValue + sum of increments up to t; valuesAtCheckpoints[i] = value(checkpoints[i]).',
      seed,
      startTime,
      endTime,
      stepSeconds: step,
      segmentSeconds,
      checkpoints,
      tiers: [...TIERS],
      users: USERS.map(u => ({ ...u })),
      routes: routes.map(r => ({ ...r, users: [...r.users] })),
      metrics: METRIC_FAMILIES,
      series,
      totals,
      ...(Object.keys(servedCalls).length > 0
        ? {
            servedCalls,
            countedTokens,
            servedCallsBeforeData: servedBefore,
            countedTokensBeforeData: tokensBefore,
          }
        : {}),
    },
  };
}
