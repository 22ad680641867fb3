import { ROUTES, SEED_STREAM_ROUTES, USERS } from './dataset.ts';
import { generateMetricsDataset } from './generator.ts';
import { toOpenMetrics } from './openMetrics.ts';
import { increaseBy, selectSeries, valueAt } from './queries.ts';

const END = 1_764_000_000; // a multiple of 300: the data ends one step before it

describe('generateMetricsDataset', () => {
  const { summary } = generateMetricsDataset({ seed: 7, endTime: END });

  it('is deterministic for a seed and differs across seeds', () => {
    const again = generateMetricsDataset({ seed: 7, endTime: END }).summary;
    expect(JSON.stringify(again)).toBe(JSON.stringify(summary));
    expect(toOpenMetrics(again)).toBe(toOpenMetrics(summary));
    const other = generateMetricsDataset({ seed: 8, endTime: END }).summary;
    expect(JSON.stringify(other.series)).not.toBe(
      JSON.stringify(summary.series),
    );
  });

  it('spans 6 hours at a 60 s step, ending at endTime floored to the step, never on a 5-minute boundary', () => {
    const last = END - 60;
    expect(summary.endTime).toBe(last);
    expect(summary.startTime).toBe(last - 6 * 3600);
    expect(summary.stepSeconds).toBe(60);
    expect(summary.checkpoints).toEqual(
      [0, 1, 2, 3, 4, 5, 6].map(h => last - 6 * 3600 + h * 3600),
    );
    const end = (t: number) =>
      generateMetricsDataset({ seed: 7, endTime: t }).summary.endTime;
    expect(end(END + 59)).toBe(last);
    expect(end(END + 60)).toBe(END + 60);
    expect(end(END + 299)).toBe(END + 240);
    for (let t = END; t < END + 600; t += 17) expect(end(t) % 300).not.toBe(0);
  });

  it('has integer, monotonic counters, in the OpenMetrics text too', () => {
    const problems: string[] = [];
    const text = toOpenMetrics(summary);
    const counterNames = new Set(
      summary.series.filter(x => x.kind === 'counter').map(x => x.metric),
    );
    const previous = new Map<string, number>();
    for (const line of text.split('\n')) {
      const m = line.match(/^([^{\s]+)(\S*) (\d+) (\d+)$/);
      if (!m) continue;
      const [, name, , value] = m;
      const key = `${name}${m[2]}`;
      const v = Number(value);
      if (!Number.isInteger(v)) problems.push(`not an integer: ${line}`);
      if (counterNames.has(name) && v < (previous.get(key) ?? 0)) {
        problems.push(`counter decreases: ${line}`);
      }
      previous.set(key, v);
    }
    for (const s of summary.series) {
      summary.checkpoints.forEach((t, i) => {
        if (valueAt(summary, s, t) !== s.valuesAtCheckpoints[i]) {
          problems.push(`${s.metric} ${JSON.stringify(s.labels)} at ${t}`);
        }
      });
      if (
        s.kind === 'counter' &&
        s.perStepIncrease.some(x => x < 0 || !Number.isInteger(x))
      ) {
        problems.push(`bad increments ${s.metric} ${JSON.stringify(s.labels)}`);
      }
    }
    expect(problems).toEqual([]);
    expect(previous.size).toBe(summary.series.length);
  });

  it('has the Kuadrant label shapes: per-user labels on some routes, none on the legacy route', () => {
    const legacy = ROUTES.find(r => !r.perUserLabels)!;
    expect(legacy.limitadorNamespace).toBe('llm/legacy-route');
    for (const metric of [
      'authorized_calls',
      'authorized_hits',
      'limited_calls',
    ]) {
      const series = selectSeries(summary, metric, {
        limitador_namespace: legacy.limitadorNamespace,
      });
      expect(series).toHaveLength(1);
      expect(Object.keys(series[0].labels)).toEqual(['limitador_namespace']);
    }
    for (const route of ROUTES.filter(r => r.perUserLabels)) {
      const calls = selectSeries(summary, 'authorized_calls', {
        limitador_namespace: route.limitadorNamespace,
      });
      expect(calls.map(s => s.labels.user).sort()).toEqual(
        [...route.users].sort(),
      );
      for (const s of calls) {
        expect(s.labels.group).toBe(
          USERS.find(u => u.user === s.labels.user)!.group,
        );
      }
    }
    const limited = selectSeries(summary, 'limited_calls', {
      limit_name: 'free-user-requests',
    });
    expect(limited.length).toBeGreaterThan(0);
    expect(new Set(summary.users.map(u => u.group))).toEqual(
      new Set(['free', 'premium', 'enterprise']),
    );
    expect(
      selectSeries(summary, 'vllm:prompt_tokens_total')
        .map(s => s.labels.model_name)
        .sort(),
    ).toEqual(
      ROUTES.filter(r => !r.noSeries)
        .map(r => r.model)
        .sort(),
    );
    const unscraped = ROUTES.find(r => r.noSeries)!;
    expect(unscraped.limitadorNamespace).toBe('llm/unscraped-route');
    expect(
      summary.series.filter(
        s =>
          s.labels.limitador_namespace === unscraped.limitadorNamespace ||
          s.labels.model_name === unscraped.model,
      ),
    ).toEqual([]);
    expect(
      selectSeries(summary, 'limitador_up')[0].valuesAtCheckpoints.every(
        v => v === 1,
      ),
    ).toBe(true);
  });

  it('puts limit_name on limited_calls only of routes whose Limitador reports it, and never on a route without labels', () => {
    const named = ROUTES.filter(r => r.limitNames);
    const unnamed = ROUTES.filter(
      r => r.perUserLabels && !r.limitNames && !r.noSeries,
    );
    expect(named.length).toBeGreaterThan(0);
    expect(unnamed.length).toBeGreaterThan(0);
    for (const route of ROUTES) {
      const limited = selectSeries(summary, 'limited_calls', {
        limitador_namespace: route.limitadorNamespace,
      });
      expect(limited.length > 0).toBe(!route.noSeries);
      // Under both policies a refusal is the request limit's or the token limit's.
      const kinds = route.requestAndTokenLimits
        ? ['requests', 'tokens']
        : ['requests'];
      for (const s of limited)
        expect(
          route.limitNames
            ? kinds.map(k => `${s.labels.group}-user-${k}`)
            : [undefined],
        ).toContain(s.labels.limit_name);
    }
  });

  it('keeps authorized_hits equal to vLLM tokens on routes under a TokenRateLimitPolicy only, but for the model whose streamed tokens go uncounted', () => {
    // Under both policies authorized_hits holds the request limit's 1 per call too (tested below).
    for (const route of ROUTES.filter(
      r => r.hitsUnit === 'tokens' && !r.requestAndTokenLimits,
    )) {
      const [t1, t2] = [summary.startTime, summary.endTime];
      const hits = increaseBy(
        summary,
        'authorized_hits',
        { limitador_namespace: route.limitadorNamespace },
        'limitador_namespace',
        t1,
        t2,
      );
      const prompt = increaseBy(
        summary,
        'vllm:prompt_tokens_total',
        { model_name: route.model },
        'model_name',
        t1,
        t2,
      );
      const gen = increaseBy(
        summary,
        'vllm:generation_tokens_total',
        { model_name: route.model },
        'model_name',
        t1,
        t2,
      );
      const served = prompt[route.model] + gen[route.model];
      const counted = hits[route.limitadorNamespace];
      // Equal, but where a share goes uncounted: rounded per caller and step, it holds to a
      // fraction of a percent.
      expect(counted === served).toBe(!route.uncountedTokenShare);
      expect(
        Math.abs(
          (served - counted) / served - (route.uncountedTokenShare ?? 0),
        ),
      ).toBeLessThan(0.005);
      expect(
        summary.totals.authorized_hits[route.limitadorNamespace]._all,
      ).toBe(hits[route.limitadorNamespace]);
    }
  });

  it('writes OpenMetrics for promtool: seconds, time-ordered, ending with # EOF', () => {
    const text = toOpenMetrics(summary);
    expect(text.endsWith('# EOF\n')).toBe(true);
    const lines = text.trimEnd().split('\n');
    expect(lines.filter(l => l === '# EOF')).toHaveLength(1);
    const last = new Map<string, number>();
    const problems: string[] = [];
    let samples = 0;
    for (const line of lines) {
      if (line.startsWith('#')) continue;
      const m = line.match(/^(\S+) (\d+) (\d+)$/);
      if (!m) {
        problems.push(`malformed: ${line}`);
        continue;
      }
      const [, series, , ts] = m;
      const t = Number(ts);
      // Seconds (not milliseconds), inside the window, increasing per series.
      if (t < summary.startTime || t > summary.endTime)
        problems.push(`outside: ${line}`);
      if (t <= (last.get(series) ?? 0)) problems.push(`out of order: ${line}`);
      last.set(series, t);
      samples++;
    }
    expect(problems).toEqual([]);
    expect(last.size).toBe(summary.series.length);
    expect(samples).toBe(summary.series.length * (6 * 60 + 1));
    expect([...last.values()].every(t => t === summary.endTime)).toBe(true);
    expect(text).toContain('# TYPE vllm:prompt_tokens counter\n');
    expect(text).toMatch(
      /^authorized_calls\{group="free",limitador_namespace="llm\/simulator-route",user="freeuser1"\} \d+ \d+$/m,
    );
  });
});

describe('generateMetricsDataset: a route under both a RateLimitPolicy and a TokenRateLimitPolicy (Kuadrant-1.3-shaped)', () => {
  const both = ROUTES.find(r => r.requestAndTokenLimits)!;
  const plain = generateMetricsDataset({
    seed: 7,
    endTime: END,
    routes: SEED_STREAM_ROUTES,
  }).summary;
  const { summary } = generateMetricsDataset({ seed: 7, endTime: END });
  const growth = (metric: string, labels: Record<string, string>) =>
    selectSeries(summary, metric, labels).reduce(
      (n, s) => n + s.valuesAtCheckpoints.at(-1)! - s.valuesAtCheckpoints[0],
      0,
    );

  it("is a default route, and leaves the other default routes' series as they were without it", () => {
    expect(both.limitadorNamespace).toBe('llm/both-route');
    expect(summary.routes.map(r => r.route)).toContain('both-route');
    expect(
      summary.series.filter(
        s =>
          s.labels.limitador_namespace !== 'llm/both-route' &&
          s.labels.model_name !== 'both',
      ),
    ).toEqual(plain.series);
    expect(plain.servedCalls).toBeUndefined();
  });

  it('counts a served call twice in authorized_calls, and once plus its tokens in authorized_hits, as Limitador does', () => {
    for (const user of both.users) {
      const ns = { limitador_namespace: 'llm/both-route', user };
      const served = summary.servedCalls!['llm/both-route'][user];
      const tokenRefused = growth('limited_calls', {
        ...ns,
        limit_name: `${user.replace(/user\d$/, '')}-user-tokens`,
      });
      expect(served).toBeGreaterThan(0);
      expect(growth('authorized_calls', ns)).toBe(2 * served + tokenRefused);
      expect(growth('authorized_hits', ns)).toBe(
        served + tokenRefused + summary.countedTokens!['llm/both-route'][user],
      );
    }
    // Some calls are refused by the token limit after the request limit let them through.
    expect(
      growth('limited_calls', {
        limitador_namespace: 'llm/both-route',
        limit_name: 'free-user-tokens',
      }),
    ).toBeGreaterThan(0);
    // The tokens Limitador counted are the model's (vLLM) tokens.
    const vllm = ['vllm:prompt_tokens_total', 'vllm:generation_tokens_total']
      .map(m => growth(m, { model_name: 'both' }))
      .reduce((a, b) => a + b);
    expect(summary.countedTokens!['llm/both-route']._all).toBe(vllm);
  });

  it('starts its counters where calls before the data leave them, by the same rule', () => {
    const initial = (metric: string, labels: Record<string, string>) =>
      selectSeries(summary, metric, labels).reduce(
        (n, s) => n + s.initialValue,
        0,
      );
    for (const user of both.users) {
      const ns = { limitador_namespace: 'llm/both-route', user };
      const served = summary.servedCallsBeforeData!['llm/both-route'][user];
      const tokenRefused = initial('limited_calls', {
        ...ns,
        limit_name: `${user.replace(/user\d$/, '')}-user-tokens`,
      });
      expect(initial('authorized_calls', ns)).toBe(2 * served + tokenRefused);
      expect(initial('authorized_hits', ns)).toBe(
        served +
          tokenRefused +
          summary.countedTokensBeforeData!['llm/both-route'][user],
      );
    }
  });
});
