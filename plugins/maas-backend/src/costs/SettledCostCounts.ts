import { CostSource } from '@maas-portal/plugin-maas-common';
import { Knex } from 'knex';
import { InstantSample } from '../prometheus/PrometheusClient';
import { CostRange } from './costRange';

/** The table (migration `20261208000000_settled_cost_counts.js`). */
const TABLE = 'maas_cost_counts';

/** Custom ranges kept besides the calendar months; past it, the least recently computed are dropped. */
export const MAX_KEPT_CUSTOM_RANGES = 100;

/** A report's input, as readCostCounts answers it: the counts tagged by part, and where they came from. */
export interface CostCounts {
  samples: InstantSample[];
  source: CostSource;
}

const keyOf = (range: CostRange) => `${range.start}-${range.end}`;
/** The row of a month's latest counts while it runs (its end moves). */
const latestKeyOf = (range: CostRange) => `${range.start}-open`;

type Row = { counts: string; source: string; computed_at: unknown };

const parse = (row: Row): CostCounts & { computedAt: Date } => ({
  samples: (
    JSON.parse(row.counts) as Array<[Record<string, string>, number]>
  ).map(([metric, value]) => ({ metric, value })),
  source: JSON.parse(row.source),
  computedAt: new Date(row.computed_at as string | number | Date),
});

/**
 * The counts of ranges that have ended, kept in the portal's database (SQLite or PostgreSQL): a range
 * whose samples are all in Prometheus no longer changes, so it is computed once, by whichever replica
 * first needs it or by the monthly task, and read from here after restarts and on every replica. Calendar
 * months are kept; custom ranges up to MAX_KEPT_CUSTOM_RANGES. Also this month's latest counts (`latest`),
 * so that a replica with none in memory shows them at once while it computes newer ones. The counts are
 * stored, not the report: the catalog, prices and limits of the day are applied when a report is built.
 */
export class SettledCostCounts {
  readonly #db: Knex;

  constructor(db: Knex) {
    this.#db = db;
  }

  async get(
    range: CostRange,
  ): Promise<(CostCounts & { computedAt: Date }) | undefined> {
    const row = await this.#db(TABLE)
      .where({ range_key: keyOf(range) })
      .first();
    return row ? parse(row) : undefined;
  }

  /** The latest counts kept of the month `range` while it runs, and the end they reach. */
  async latest(
    range: CostRange,
  ): Promise<(CostCounts & { computedAt: Date; end: number }) | undefined> {
    const row = await this.#db(TABLE)
      .where({ range_key: latestKeyOf(range) })
      .first();
    return row ? { ...parse(row), end: Number(row.end_at) } : undefined;
  }

  /**
   * Keeps the counts of the month `range` up to its end, in place of the ones kept before (a later
   * computation reaches further); the rows of months before it go.
   */
  async putLatest(
    range: CostRange,
    counts: CostCounts,
    computedAt = new Date(),
  ): Promise<void> {
    await this.#db(TABLE)
      .insert({
        range_key: latestKeyOf(range),
        start_at: range.start,
        end_at: range.end,
        calendar_month: true,
        computed_at: computedAt,
        source: JSON.stringify(counts.source),
        counts: JSON.stringify(counts.samples.map(s => [s.metric, s.value])),
      })
      .onConflict('range_key')
      .merge();
    await this.#db(TABLE)
      .where('range_key', 'like', '%-open')
      .andWhere('start_at', '<', range.start)
      .delete();
  }

  /** Keeps the counts of `range`; a replica that kept them first wins (they are the same counts). */
  async put(
    range: CostRange,
    counts: CostCounts,
    computedAt = new Date(),
  ): Promise<void> {
    await this.#db(TABLE)
      .insert({
        range_key: keyOf(range),
        start_at: range.start,
        end_at: range.end,
        calendar_month: range.month !== undefined,
        computed_at: computedAt,
        source: JSON.stringify(counts.source),
        counts: JSON.stringify(counts.samples.map(s => [s.metric, s.value])),
      })
      .onConflict('range_key')
      .ignore();
    if (range.month !== undefined) return;
    const kept = this.#db(TABLE)
      .select('range_key')
      .where({ calendar_month: false })
      .orderBy([
        { column: 'computed_at', order: 'desc' },
        { column: 'range_key', order: 'desc' },
      ])
      .limit(MAX_KEPT_CUSTOM_RANGES);
    await this.#db(TABLE)
      .where({ calendar_month: false })
      .whereNotIn('range_key', kept)
      .delete();
  }
}
