import { UsageRange } from '@maas-portal/plugin-maas-common';

const RANGE_SECONDS: Record<UsageRange, number> = {
  '1h': 3600,
  '24h': 86400,
  '7d': 604800,
};
/** Steps that divide their range and keep every series at 300 points or fewer. */
const STEP_SECONDS: Record<UsageRange, number> = {
  '1h': 60,
  '24h': 300,
  '7d': 2400,
};

export interface UsageWindow {
  range: UsageRange;
  rangeSeconds: number;
  stepSeconds: number;
  /** Aligned to the step, so that repeated loads within a step ask Prometheus the same question. */
  end: number;
  start: number;
}

export function usageWindow(
  range: UsageRange,
  nowSeconds: number,
): UsageWindow {
  const rangeSeconds = RANGE_SECONDS[range];
  const stepSeconds = STEP_SECONDS[range];
  const end = Math.floor(nowSeconds / stepSeconds) * stepSeconds;
  return { range, rangeSeconds, stepSeconds, end, start: end - rangeSeconds };
}
