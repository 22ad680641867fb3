/*
 * Exact answers from the dataset, as Prometheus gives them for the backfilled data: a series' value at a sample
 * time, the series matching labels, increases between two sample times.
 */
import type { MetricsDatasetSummary, SeriesSummary } from './dataset.ts';

/** Exact value of a series at sample time t (startTime <= t <= endTime, t on the step grid). */
export function valueAt(
  summary: MetricsDatasetSummary,
  s: SeriesSummary,
  t: number,
): number {
  if (
    t < summary.startTime ||
    t > summary.endTime ||
    (t - summary.startTime) % summary.stepSeconds !== 0
  ) {
    throw new Error(
      `t=${t} is not a sample time of the dataset (${summary.startTime}..${summary.endTime} step ${summary.stepSeconds})`,
    );
  }
  const stepsPerSegment = summary.segmentSeconds / summary.stepSeconds;
  const steps = (t - summary.startTime) / summary.stepSeconds;
  const seg = Math.min(
    Math.floor(steps / stepsPerSegment),
    s.perStepIncrease.length - 1,
  );
  const within = steps - seg * stepsPerSegment;
  return s.valuesAtCheckpoints[seg] + within * s.perStepIncrease[seg];
}

/** Series matching every given label (a value of null means: the label must be absent). */
export function selectSeries(
  summary: MetricsDatasetSummary,
  metric: string,
  match: Record<string, string | null> = {},
): SeriesSummary[] {
  return summary.series.filter(
    s =>
      s.metric === metric &&
      Object.entries(match).every(([k, v]) =>
        v === null ? !(k in s.labels) : s.labels[k] === v,
      ),
  );
}

/**
 * Expected result of `sum by (<by>) (x - x offset <(t2 - t1)>)` at t2, or of `increase(x[t2 - t1])` at t2 on
 * Prometheus 2.x: exact integer increases between two sample times, grouped by one label ('' when absent).
 */
export function increaseBy(
  summary: MetricsDatasetSummary,
  metric: string,
  match: Record<string, string | null>,
  by: string,
  t1: number,
  t2: number,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of selectSeries(summary, metric, match)) {
    const key = s.labels[by] ?? '';
    out[key] =
      (out[key] ?? 0) + valueAt(summary, s, t2) - valueAt(summary, s, t1);
  }
  return out;
}

/** Prometheus' lookback: an instant selector sees a series' latest sample at most this old. */
const LOOKBACK_SECONDS = 300;

/**
 * What the portal counts for one series in the window from `start` to `end` (its `countedInWindow` PromQL,
 * evaluated at `end` over `end - start`, on Prometheus 2.x): the last value within [start, end] minus the
 * value at `start`, where a series with no sample in the 5 minutes up to `start` counts from 0. So a window
 * that starts before the data counts the series' `initialValue` too (the calls before the data: it appears
 * inside the window, as a Limitador series does at its first call), one that ends after the data counts up
 * to its last sample, and one with no sample of the series counts 0. The data has no counter resets.
 * `start` and `end` may be any times, on the step grid or not.
 */
export function countedInWindow(
  summary: MetricsDatasetSummary,
  s: SeriesSummary,
  start: number,
  end: number,
): number {
  if (!(start < end))
    throw new Error(`a window needs start < end, got ${start}..${end}`);
  /** The time of the latest sample at or before t, if any. */
  const latestSample = (t: number): number | undefined =>
    t < summary.startTime
      ? undefined
      : Math.min(
          summary.endTime,
          summary.startTime +
            Math.floor((t - summary.startTime) / summary.stepSeconds) *
              summary.stepSeconds,
        );
  const last = latestSample(end);
  if (last === undefined || last < start) return 0;
  const before = latestSample(start);
  const atStart =
    before !== undefined && before >= start - LOOKBACK_SECONDS
      ? valueAt(summary, s, before)
      : 0;
  return valueAt(summary, s, last) - atStart;
}
