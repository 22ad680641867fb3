import { CostRange } from './costRange';
import { CostSource } from '@maas-portal/plugin-maas-common';
import { UsageLine } from './buildCostReport';

/** What one Prometheus answer gives a report: its lines, the routes' calls without a user label, and the end it covers. */
export interface CostUsage {
  lines: UsageLine[];
  unlabelled: string[];
  /** Sentences on how calls and tokens were counted where that leaves something out (routeCounting). */
  counting?: string[];
  /** Unix seconds: the figures count calls up to here. */
  end: number;
  /** Where the figures came from: the recording rules or the raw counters. */
  source?: CostSource;
}

/** A range ended this long ago has all its samples in Prometheus: its figures no longer change. */
export const SETTLED_SECONDS = 600;

interface Entry {
  usage?: CostUsage;
  /** Date.now() when `usage` was computed. */
  computedAt: number;
  settled: boolean;
  pending?: Promise<CostUsage>;
  /** Why the last refresh failed, while the older figures are served. */
  refreshError?: string;
}

/**
 * The usage behind cost reports, kept per range so that a Costs page answers from memory once its
 * range has been computed. A report is one Prometheus query over the whole range (exact, never a
 * sum of pieces), and for 1,000 users × 20 models × 30 days Prometheus takes seconds to answer it.
 *
 * - A range that ends now (this month, a range up to today) is kept under its start: loads within
 *   `freshMs` get the same figures; a later load, within `staleMs`, gets the kept figures at once,
 *   their end saying how recent they are, while one query computes the new ones in the background
 *   (stale-while-revalidate). Older than `staleMs`, a load waits for new figures.
 * - A range that ended more than ten minutes ago is settled: computed once, kept until evicted.
 * - One query per range at a time, however many loads wait for it. At most `maxEntries` ranges,
 *   the least recently used evicted.
 */
export class CostUsageCache {
  readonly #freshMs: number;
  readonly #staleMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();

  constructor(options: {
    freshMs: number;
    staleMs: number;
    maxEntries?: number;
    now?: () => number;
  }) {
    this.#freshMs = options.freshMs;
    this.#staleMs = Math.max(options.staleMs, options.freshMs);
    this.#maxEntries = options.maxEntries ?? 16;
    this.#now = options.now ?? Date.now;
  }

  /**
   * The usage of `range` (`open` when it ends now), from memory or from `compute`; `warning` says
   * when the figures are older than they should be because their refresh failed.
   */
  async get(
    range: CostRange & { open: boolean },
    compute: (range: CostRange) => Promise<CostUsage>,
    /**
     * Figures computed elsewhere (another replica, before a restart) to start from when memory holds
     * none: used as if computed here at `computedAt`, so within `staleMs` they are shown at once while
     * newer ones are computed.
     */
    seed?: () => Promise<{ usage: CostUsage; computedAt: number } | undefined>,
  ): Promise<{ usage: CostUsage; warning?: string }> {
    const key = range.open
      ? `${range.start}-now`
      : `${range.start}-${range.end}`;
    const now = this.#now();
    let entry = this.#entries.get(key);
    if (entry) {
      // Most recently used last, for eviction.
      this.#entries.delete(key);
      this.#entries.set(key, entry);
    } else {
      entry = { computedAt: 0, settled: false };
      this.#set(key, entry);
    }
    if (!entry.usage && !entry.pending && seed) {
      const seeded = await seed();
      if (seeded && !entry.usage && now - seeded.computedAt <= this.#staleMs) {
        entry.usage = seeded.usage;
        entry.computedAt = seeded.computedAt;
      }
    }
    const age = now - entry.computedAt;
    if (entry.usage && (entry.settled || age <= this.#freshMs)) {
      return { usage: entry.usage };
    }
    if (entry.usage && age <= this.#staleMs) {
      this.#refresh(entry, range, compute).catch(() => {
        // Kept in entry.refreshError and said with the figures served.
      });
      const warning = entry.refreshError
        ? `These figures are from ${new Date(entry.usage.end * 1000)
            .toISOString()
            .slice(11, 16)} UTC: computing newer ones failed (${
            entry.refreshError
          }). Reload the page to try again.`
        : undefined;
      return { usage: entry.usage, warning };
    }
    return { usage: await this.#refresh(entry, range, compute) };
  }

  #refresh(
    entry: Entry,
    range: CostRange,
    compute: (range: CostRange) => Promise<CostUsage>,
  ): Promise<CostUsage> {
    if (entry.pending) return entry.pending;
    // A background refresh computes the range as it is now: an open range ends later.
    const pending = compute(range).then(
      usage => {
        entry.usage = usage;
        entry.computedAt = this.#now();
        entry.settled = usage.end <= entry.computedAt / 1000 - SETTLED_SECONDS;
        entry.refreshError = undefined;
        entry.pending = undefined;
        return usage;
      },
      (error: Error) => {
        entry.refreshError = error.message;
        entry.pending = undefined;
        throw error;
      },
    );
    entry.pending = pending;
    return pending;
  }

  #set(key: string, entry: Entry) {
    this.#entries.set(key, entry);
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }
}
