import { CostReport, CostTable } from '@maas-portal/plugin-maas-common';

export const CSV_COLUMNS = [
  'ref',
  'title',
  'calls',
  'tokens',
  'cost',
  'currency',
  'users',
  'groups',
] as const;

/**
 * A CSV cell: quoted when it holds a comma, quote or line break; a leading `=`, `+`, `-`, `@` or
 * tab is prefixed with `'` so that a spreadsheet never runs a catalog title as a formula.
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One table of a report as CSV: the same rows and the same rounded numbers as the JSON. */
export function costsCsv(report: CostReport, table: CostTable): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const row of report[table]) {
    lines.push(
      [
        row.ref,
        row.title,
        row.calls,
        row.tokens,
        row.cost === null ? null : row.cost.toFixed(report.decimals),
        report.currency,
        row.users,
        row.groups?.join(' '),
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** `maas-costs-2026-11-users.csv`, or with the custom range's dates. */
export function csvFileName(report: CostReport, table: CostTable): string {
  const day = (s: number) => new Date(s * 1000).toISOString().slice(0, 10);
  const period = report.month ?? `${day(report.start)}_${day(report.end)}`;
  return `maas-costs-${period}-${table}.csv`;
}
