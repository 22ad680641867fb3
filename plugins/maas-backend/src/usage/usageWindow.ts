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

export interface UsageWindow {
  range: UsageRange;
  rangeSeconds: number;
  stepSeconds: number;
  /** Now (whole seconds): the last point and every total end here. */
  end: number;
  start: number;
}

export function usageWindow(
  range: UsageRange,
  nowSeconds: number,
): UsageWindow {
  const rangeSeconds = RANGE_SECONDS[range];
  const stepSeconds = STEP_SECONDS[range];
  const end = Math.floor(nowSeconds);
  return { range, rangeSeconds, stepSeconds, end, start: end - rangeSeconds };
}
