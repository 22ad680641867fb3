import { InputError } from '@backstage/errors';
import {
  dayStart,
  DEFAULT_COST_TIME_ZONE,
  monthOf,
  monthRange,
} from '@maas-portal/plugin-maas-common';
import { END_GRANULARITY_SECONDS } from '../prometheus/usageWindow';

/** The window of a cost report, in unix seconds. */
export interface CostRange {
  start: number;
  end: number;
  /** `YYYY-MM` for a calendar month. */
  month?: string;
  /** The zone calendar months run in (`maas.costs.timeZone`); absent: UTC. */
  timeZone?: string;
  /** Whether the range ends now (this month, or a custom range whose end is not yet reached). */
  open?: boolean;
}

/** The longest custom range: a year and a day (a leap year's month-to-month comparisons fit). */
export const MAX_RANGE_SECONDS = 367 * 86400;

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const TIME =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** A date is its midnight in `timeZone`; a time names its own offset. Unix seconds. */
function parseTime(name: string, value: string, timeZone: string): number {
  let seconds = NaN;
  if (DAY.test(value)) {
    try {
      seconds = dayStart(value, timeZone);
    } catch {
      // Not a day of the calendar (2026-02-30): said below.
    }
  } else if (TIME.test(value)) {
    seconds = Math.floor(Date.parse(value) / 1000);
  }
  if (!Number.isFinite(seconds)) {
    throw new InputError(
      `${name} "${value}" is not a date: give 2026-11-01 (midnight in ${timeZone}, maas.costs.timeZone) or 2026-11-01T08:00:00Z`,
    );
  }
  return seconds;
}

/**
 * The range a request asks for: `month=YYYY-MM` (in `timeZone`, from local midnight on the 1st), or
 * `start` and `end` (dates, which are midnights in `timeZone`, or ISO timestamps with their offset),
 * or by default the current
 * month in `timeZone`. A range ends now at the latest (to 15 s, so that
 * loads within 15 s share Prometheus' answer), and must start before it ends.
 */
export function costRange(
  query: { month?: unknown; start?: unknown; end?: unknown },
  nowSeconds: number,
  timeZone: string = DEFAULT_COST_TIME_ZONE,
): CostRange {
  const now =
    Math.floor(nowSeconds / END_GRANULARITY_SECONDS) * END_GRANULARITY_SECONDS;
  const { month, start, end } = query;
  for (const [name, value] of Object.entries({ month, start, end })) {
    if (value !== undefined && typeof value !== 'string') {
      throw new InputError(`${name} must be given once, as text`);
    }
  }
  if (month !== undefined && (start !== undefined || end !== undefined)) {
    throw new InputError('Give either month or start and end, not both');
  }
  if ((start === undefined) !== (end === undefined)) {
    throw new InputError(
      'A custom range needs both start and end (e.g. start=2026-11-01&end=2026-11-15)',
    );
  }
  if (start !== undefined) {
    const from = parseTime('start', start as string, timeZone);
    const to = Math.min(parseTime('end', end as string, timeZone), now);
    if (from >= to) {
      throw new InputError(
        `start must be before end, and before now: ${start} to ${end} leaves no time`,
      );
    }
    if (to - from > MAX_RANGE_SECONDS) {
      throw new InputError(
        'A custom range may cover at most 367 days; ask for a shorter one',
      );
    }
    return { start: from, end: to, open: to === now, timeZone };
  }
  const name = (month as string | undefined) ?? monthOf(now, timeZone);
  if (!MONTH.test(name)) {
    throw new InputError(
      `month "${name}" is not a month: give YYYY-MM, e.g. 2026-11`,
    );
  }
  const { start: from, end: next } = monthRange(name, timeZone);
  if (from >= now) {
    throw new InputError(`month ${name} has not started yet`);
  }
  return {
    start: from,
    end: Math.min(next, now),
    month: name,
    open: next > now,
    timeZone,
  };
}
