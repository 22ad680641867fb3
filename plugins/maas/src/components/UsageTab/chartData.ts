import { UsageRange, UsageSeries } from '@maas-portal/plugin-maas-common';

/** One row per step: `t` (unix seconds) and one value per line. */
export type ChartRow = { t: number } & Record<string, number>;

export interface ChartLine {
  dataKey: string;
  name: string;
  color: string;
  dashed?: boolean;
}

const TIER_PALETTE = [
  '#1f77b4',
  '#2ca02c',
  '#9467bd',
  '#ff7f0e',
  '#17becf',
  '#8c564b',
  '#e377c2',
];
const NO_TIER_COLOR = '#607d8b';

/** The label of a series: its tier, or "everyone" when the metrics carry no tier. */
export const tierLabel = (tier: string | null) => tier ?? 'everyone';

/**
 * One color per tier, the same on every chart: tiers are sorted by name and take the palette
 * in that order.
 */
export function tierColors(
  tiers: Iterable<string | null>,
): (tier: string | null) => string {
  const names = [
    ...new Set([...tiers].filter((t): t is string => t !== null)),
  ].sort();
  return tier => {
    if (tier === null) return NO_TIER_COLOR;
    const i = names.indexOf(tier);
    return i < 0 ? NO_TIER_COLOR : TIER_PALETTE[i % TIER_PALETTE.length];
  };
}

/** Merges series into chart rows; series with the same key (e.g. per limit name) are summed. */
export function mergeSeries(
  series: Array<{ key: string; points: UsageSeries['points'] }>,
): ChartRow[] {
  const rows = new Map<number, ChartRow>();
  for (const { key, points } of series) {
    for (const [t, value] of points) {
      const row = rows.get(t) ?? ({ t } as ChartRow);
      row[key] = (row[key] ?? 0) + value;
      rows.set(t, row);
    }
  }
  const keys = [...new Set(series.map(s => s.key))];
  // A step where one line has no point is a zero for it, not a gap.
  return [...rows.values()]
    .map(row => {
      for (const key of keys) row[key] ??= 0;
      return row;
    })
    .sort((a, b) => a.t - b.t);
}

export const seriesKey = (prefix: string, tier: string | null) =>
  `${prefix}:${tierLabel(tier)}`;

/** A step in words, for the unit of a chart: "2 min", "15 min", "3 h". */
export function stepLabel(stepSeconds: number): string {
  return stepSeconds < 3600
    ? `${stepSeconds / 60} min`
    : `${stepSeconds / 3600} h`;
}

/**
 * Ticks in local time that read well for a range: every 10 minutes over an hour, every 3 hours
 * over a day, every midnight over a week; within [start, end] (unix seconds).
 */
export function timeTicks(
  start: number,
  end: number,
  range: UsageRange,
): number[] {
  const d = new Date(start * 1000);
  const next: Record<UsageRange, () => void> = {
    '1h': () => d.setMinutes(Math.floor(d.getMinutes() / 10) * 10 + 10, 0, 0),
    '24h': () => d.setHours(Math.floor(d.getHours() / 3) * 3 + 3, 0, 0, 0),
    '7d': () => d.setHours(24, 0, 0, 0),
  };
  const ticks: number[] = [];
  for (next[range](); d.getTime() / 1000 <= end; next[range]())
    ticks.push(d.getTime() / 1000);
  return ticks;
}
