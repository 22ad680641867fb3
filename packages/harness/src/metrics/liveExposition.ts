/*
 * For `up` (demos): the generated series go on after the harness started, at the rate of their
 * last hour, exposed for Prometheus to scrape, so that charts keep moving while the portal runs.
 */
import type { MetricsDatasetSummary, SeriesSummary } from './dataset.ts';
import { seriesName } from './openMetrics.ts';

/** A series' value at unix seconds `t` ≥ endTime: the last value plus the last hour's rate per step. */
export function liveValue(
  summary: MetricsDatasetSummary,
  s: SeriesSummary,
  t: number,
): number {
  const last = s.valuesAtCheckpoints[s.valuesAtCheckpoints.length - 1];
  if (s.kind !== 'counter' || t <= summary.endTime) return last;
  const steps = Math.floor((t - summary.endTime) / summary.stepSeconds);
  return last + s.perStepIncrease[s.perStepIncrease.length - 1] * steps;
}

/** Prometheus text exposition of every series at `t`, without timestamps (the scrape's time). */
export function liveExposition(
  summary: MetricsDatasetSummary,
  t: number,
): string {
  const lines: string[] = [];
  for (const s of summary.series) {
    lines.push(`${seriesName(s)} ${liveValue(summary, s, t)}`);
  }
  return `${lines.join('\n')}\n`;
}
