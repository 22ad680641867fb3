import {
  checkLimit,
  checkWindow,
  TierDefinition,
} from '@maas-portal/plugin-maas-common';

/**
 * One row of the tiers field, as the template's `tiers` parameter holds it.
 *
 * @public
 */
export interface TierLimitsRow {
  name?: string;
  requests?: { limit?: number; window?: string };
  tokens?: { limit?: number; window?: string };
}

/** What is wrong with each part of one row, in words; keys are the row's field paths. */
export type RowProblems = Partial<
  Record<
    | 'name'
    | 'requests.limit'
    | 'requests.window'
    | 'tokens.limit'
    | 'tokens.window',
    string
  >
>;

/**
 * The problems of every row, as the render step would find them: a tier that is not one of the
 * portal's, a tier twice, limits that are no whole number above 0, windows in units Kuadrant does
 * not take (`1d`). The same checks (from maas-common) run again on the server.
 */
export function tierLimitProblems(
  rows: TierLimitsRow[],
  portalTiers: TierDefinition[] | undefined,
): RowProblems[] {
  const seen = new Set<string>();
  return rows.map(row => {
    const problems: RowProblems = {};
    if (!row.name) problems.name = 'choose a tier';
    else if (portalTiers && !portalTiers.some(t => t.name === row.name))
      problems.name = `"${
        row.name
      }" is not one of the portal's tiers (${portalTiers
        .map(t => t.name)
        .join(', ')})`;
    else if (seen.has(row.name))
      problems.name = `"${row.name}" is already a row above`;
    if (row.name) seen.add(row.name);
    for (const counted of ['requests', 'tokens'] as const) {
      const [limit] = checkLimit('', row[counted]?.limit);
      if (limit) problems[`${counted}.limit`] = limit.message;
      const [window] = checkWindow('', row[counted]?.window);
      if (window) problems[`${counted}.window`] = window.message;
    }
    return problems;
  });
}
