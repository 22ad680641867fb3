import { UsageSeries } from '@maas-portal/plugin-maas-common';

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
