/**
 * Calendar months and days in an IANA time zone (`maas.costs.timeZone`), for the Costs report, the
 * budgets and the Costs page's pickers alike: one home, so that the page names the month and days the
 * backend counts. Browser-safe: only `Intl`.
 */

/**
 * The zone months are counted in when `maas.costs.timeZone` is not set.
 *
 * @public
 */
export const DEFAULT_COST_TIME_ZONE = 'UTC';

/**
 * A month's bounds in unix seconds.
 *
 * @public
 */
export interface MonthRange {
  /** The first instant of the month. */
  start: number;
  /** The first instant of the next month (exclusive). */
  end: number;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

// Building a DateTimeFormat costs far more than using one; a portal has one or two zones.
const formats = new Map<string, Intl.DateTimeFormat>();

function formatIn(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(timeZone, format);
  }
  return format;
}

/** The wall clock of `timeZone` at the instant `ms`, written as if it were UTC (ms). */
function wallClock(ms: number, timeZone: string): number {
  const part: Record<string, number> = {};
  for (const { type, value } of formatIn(timeZone).formatToParts(ms)) {
    part[type] = Number(value);
  }
  return Date.UTC(
    part.year,
    part.month - 1,
    part.day,
    part.hour,
    part.minute,
    part.second,
  );
}

/** The zone's offset from UTC at the instant `ms`, in ms (whole seconds). */
const offsetAt = (ms: number, timeZone: string) =>
  wallClock(ms, timeZone) - Math.floor(ms / 1000) * 1000;

/**
 * The first instant (ms) whose wall clock in `timeZone` reads `wall` or later. An instant is
 * within 14 h of its wall clock, so the offsets a day either side are the only candidates: when a
 * clock change repeats the wall time, the earlier instant; when it skips it (America/Asuncion's
 * midnight of 6 Oct 2024), the change itself, found by halving.
 */
function firstInstantAt(wall: number, timeZone: string): number {
  const candidates = [
    wall - offsetAt(wall - 86400_000, timeZone),
    wall - offsetAt(wall + 86400_000, timeZone),
  ];
  const exact = candidates.filter(t => wallClock(t, timeZone) === wall);
  if (exact.length > 0) return Math.min(...exact);
  let before = Math.min(...candidates);
  let after = Math.max(...candidates);
  while (after - before > 1000) {
    const middle = before + Math.floor((after - before) / 2000) * 1000;
    if (wallClock(middle, timeZone) >= wall) after = middle;
    else before = middle;
  }
  return after;
}

/**
 * The bounds of `month` (`YYYY-MM`) in `timeZone`: from local midnight on the 1st to local
 * midnight on the next 1st (or the first instant after it, where a clock change skips midnight).
 * Throws on a malformed month or an unknown zone.
 *
 * @public
 */
export function monthRange(month: string, timeZone: string): MonthRange {
  const match = MONTH.exec(month);
  if (!match) throw new Error(`"${month}" is not a month (YYYY-MM)`);
  const year = Number(match[1]);
  const index = Number(match[2]) - 1;
  return {
    start: firstInstantAt(Date.UTC(year, index, 1), timeZone) / 1000,
    end: firstInstantAt(Date.UTC(year, index + 1, 1), timeZone) / 1000,
  };
}

/**
 * The first instant (unix seconds) of the day `date` (`YYYY-MM-DD`) in `timeZone`: its local
 * midnight, or the first instant after it where a clock change skips midnight. Throws on a
 * malformed or impossible date (2026-02-30) or an unknown zone.
 *
 * @public
 */
export function dayStart(date: string, timeZone: string): number {
  const match = DAY.exec(date);
  const wall = match
    ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))
    : NaN;
  if (!match || new Date(wall).toISOString().slice(0, 10) !== date)
    throw new Error(`"${date}" is not a date (YYYY-MM-DD)`);
  return firstInstantAt(wall, timeZone) / 1000;
}

/**
 * The month (`YYYY-MM`) the instant `seconds` (unix) falls in, in `timeZone`.
 *
 * @public
 */
export function monthOf(seconds: number, timeZone: string): string {
  return new Date(wallClock(seconds * 1000, timeZone))
    .toISOString()
    .slice(0, 7);
}

/**
 * Whether `timeZone` is an IANA zone this runtime knows (`Intl` throws a RangeError otherwise).
 *
 * @public
 */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatIn(timeZone);
    return true;
  } catch {
    return false;
  }
}
