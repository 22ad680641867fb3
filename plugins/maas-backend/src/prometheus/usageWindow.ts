import { UsageRange } from '@maas-portal/plugin-maas-common';

const RANGE_SECONDS: Record<UsageRange, number> = {
  '1h': 3600,
  '24h': 86400,
  '7d': 604800,
};
/**
 * Steps that divide their range into 30, 96 and 56 points, each at least twice a 60 s scrape
 * interval, so that every point's window holds samples.
 */
const STEP_SECONDS: Record<UsageRange, number> = {
  '1h': 120,
  '24h': 900,
  '7d': 10800,
};

/**
 * Windows end now, to this many seconds (a usual scrape interval: no sample is fresher), so that
 * loads within it ask Prometheus the same question and share maas.prometheus.cacheTtlSeconds.
 */
export const END_GRANULARITY_SECONDS = 15;

export interface UsageWindow {
  range: UsageRange;
  rangeSeconds: number;
  stepSeconds: number;
  /** Now, to END_GRANULARITY_SECONDS: the last point and every total end here. */
  end: number;
  start: number;
}

export function usageWindow(
  range: UsageRange,
  nowSeconds: number,
): UsageWindow {
  const rangeSeconds = RANGE_SECONDS[range];
  const stepSeconds = STEP_SECONDS[range];
  const end =
    Math.floor(nowSeconds / END_GRANULARITY_SECONDS) * END_GRANULARITY_SECONDS;
  return { range, rangeSeconds, stepSeconds, end, start: end - rangeSeconds };
}
