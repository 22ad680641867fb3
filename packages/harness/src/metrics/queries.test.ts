/*
 * countedInWindow against hand-worked cases of one series: what the portal's PromQL gives on the backfilled
 * data (a series appears at startTime with its initialValue; no sample after endTime). The PromQL itself is
 * checked against the real Prometheus by the backend's usage and costs tests, which compare with this.
 */
import { generateMetricsDataset } from './generator.ts';
import { countedInWindow, selectSeries, valueAt } from './queries.ts';

describe('countedInWindow', () => {
  const { summary } = generateMetricsDataset({
    seed: 7,
    endTime: 1_764_000_000,
  });
  const { startTime: first, endTime: last, stepSeconds: step } = summary;
  const s = selectSeries(summary, 'authorized_calls', {
    user: 'freeuser1',
  })[0];
  const at = (t: number) => valueAt(summary, s, t);
  const counted = (start: number, end: number) =>
    countedInWindow(summary, s, start, end);

  it('is the difference of the values at two sample times inside the data', () => {
    const [t1, t2] = [summary.checkpoints[1], summary.checkpoints[3]];
    expect(at(t2) - at(t1)).toBeGreaterThan(0);
    expect(counted(t1, t2)).toBe(at(t2) - at(t1));
    expect(counted(first, last)).toBe(
      s.valuesAtCheckpoints.at(-1)! - s.initialValue,
    );
  });

  it('takes the latest sample at or before each edge of a window between samples', () => {
    const [t1, t2] = [first + 10 * step + 59, first + 100 * step + 1];
    expect(counted(t1, t2)).toBe(
      at(first + 100 * step) - at(first + 10 * step),
    );
  });

  it('counts the initial value of a series that appears inside the window: the calls before the data', () => {
    expect(s.initialValue).toBeGreaterThan(0);
    expect(counted(first - 1, last)).toBe(s.valuesAtCheckpoints.at(-1)!);
    expect(counted(first - 86400, first + 5 * step)).toBe(at(first + 5 * step));
  });

  it('counts up to the last sample after the data ends, and 0 once the window holds no sample', () => {
    const hour = summary.checkpoints.at(-2)!;
    expect(counted(hour, last + 3600)).toBe(at(last) - at(hour));
    // Within the 5-minute lookback of the last sample, and past it: no sample in the window either way.
    expect(counted(last + 60, last + 600)).toBe(0);
    expect(counted(last + 600, last + 3600)).toBe(0);
  });

  it('refuses a window that does not run forward', () => {
    expect(() => counted(last, last)).toThrow(/start < end/);
  });
});
