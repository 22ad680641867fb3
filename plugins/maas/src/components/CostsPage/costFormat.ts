import {
  CostFigures,
  CostReport,
  DEFAULT_COST_TIME_ZONE,
  formatMoney,
  monthOf,
} from '@maas-portal/plugin-maas-common';

const whole = new Intl.NumberFormat('en-US');

/** Calls and tokens, with thousands separators. */
export const formatCount = (n: number) => whole.format(n);

/**
 * A cost in the report's currency to its decimals (`€1,234.50`); "no price" when none applies,
 * and "—" when the portal has no pricing at all (the page says why above the table).
 */
export function formatCost(
  report: Pick<CostReport, 'currency' | 'decimals' | 'priced'>,
  cost: CostFigures['cost'],
): string {
  if (!report.priced || !report.currency) return '—';
  if (cost === null) return 'no price';
  return formatMoney(cost, report.currency, report.decimals);
}

/**
 * `1 Nov 2026, 00:00 – 15 Nov 2026, 12:00 Europe/Berlin`: what the report covers, its end being now
 * for this month, in the zone its months run in (`maas.costs.timeZone`).
 */
export function formatRange(
  report: Pick<CostReport, 'start' | 'end' | 'timeZone'>,
) {
  const day = (s: number) =>
    new Date(s * 1000).toLocaleString('en-GB', {
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      timeZone: report.timeZone,
    });
  return `${day(report.start)} – ${day(report.end)} ${report.timeZone}`;
}

/**
 * The current month in `timeZone` (the backend's `maas.costs.timeZone`, as its reports say), as the
 * month picker and the backend name it.
 */
export const currentMonth = (
  timeZone: string = DEFAULT_COST_TIME_ZONE,
  now = new Date(),
) => monthOf(now.getTime() / 1000, timeZone);
