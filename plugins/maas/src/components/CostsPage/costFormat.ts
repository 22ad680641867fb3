import {
  CostFigures,
  CostReport,
  formatMoney,
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

/** `1 Nov 2026 – 15 Nov 2026 (UTC)`: what the report covers, its end being now for this month. */
export function formatRange(report: Pick<CostReport, 'start' | 'end'>) {
  const day = (s: number) =>
    new Date(s * 1000).toLocaleString('en-GB', {
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      timeZone: 'UTC',
    });
  return `${day(report.start)} – ${day(report.end)} UTC`;
}

/** The current month in UTC, as the month picker and the backend name it. */
export const currentMonth = (now = new Date()) => now.toISOString().slice(0, 7);
