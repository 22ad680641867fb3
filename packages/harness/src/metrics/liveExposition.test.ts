import { generateMetricsDataset } from './generator.ts';
import { liveExposition, liveValue } from './liveExposition.ts';

// Not a multiple of 300, so the data ends here.
const END = 1_764_000_060;

describe('liveExposition', () => {
  const { summary } = generateMetricsDataset({ seed: 7, endTime: END });
  const counter = summary.series.find(
    s => s.metric === 'authorized_calls' && s.perStepIncrease[5] > 0,
  )!;

  it("continues each counter from its last value at its last hour's rate", () => {
    const last = counter.valuesAtCheckpoints[6];
    expect(liveValue(summary, counter, END)).toBe(last);
    expect(liveValue(summary, counter, END + 59)).toBe(last);
    expect(liveValue(summary, counter, END + 600)).toBe(
      last + 10 * counter.perStepIncrease[5],
    );
  });

  it('keeps gauges as they are', () => {
    const gauge = summary.series.find(s => s.metric === 'limitador_up')!;
    expect(liveValue(summary, gauge, END + 3600)).toBe(1);
  });

  it('exposes every series once, with its labels, in the text format', () => {
    const text = liveExposition(summary, END + 120);
    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(summary.series.length);
    expect(lines).toContain('limitador_up 1');
    expect(text).toMatch(
      /^authorized_calls\{group="[a-z]+",limitador_namespace="llm\/simulator-route",user="[a-z0-9]+"\} \d+$/m,
    );
  });
});
