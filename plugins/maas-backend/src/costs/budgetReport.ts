import {
  BUDGET_THRESHOLDS,
  BudgetReport,
  CostReport,
  TeamBudgetStatus,
} from '@maas-portal/plugin-maas-common';
import { TeamBudget } from '../config/budgetsConfig';

/** The start of the month after `month` (`YYYY-MM`, UTC), in unix seconds. */
export function monthEndOf(month: string): number {
  const [year, m] = month.split('-').map(Number);
  return Date.UTC(year, m, 1) / 1000;
}

/** The highest threshold a share of a budget has reached, if any. */
export function reachedThreshold(
  share: number,
): TeamBudgetStatus['reached'] | undefined {
  return [...BUDGET_THRESHOLDS].reverse().find(t => share >= t);
}

/**
 * The budgets of a month from that month's Costs report, as the caller sees it: each budgeted group
 * whose costs the report shows (all of them in scope `all`; a team lead's led groups otherwise),
 * its spend the group's row cost (0 when nobody in it called, or no price applied: the report's
 * warnings say which).
 */
export function budgetReport(
  report: CostReport,
  budgets: TeamBudget[],
): BudgetReport {
  if (!report.month) {
    throw new Error('budgets are kept per calendar month: give a month report');
  }
  const visible = (group: string) =>
    report.scope === 'all' || (report.ledGroups ?? []).includes(group);
  const rows = new Map(report.groups.map(row => [row.ref, row]));
  return {
    month: report.month,
    start: report.start,
    end: report.end,
    monthEnd: monthEndOf(report.month),
    scope: report.scope,
    ...(report.currency ? { currency: report.currency } : {}),
    decimals: report.decimals,
    budgets: budgets
      .filter(b => visible(b.group))
      .map(({ group, monthly }) => {
        const row = rows.get(group);
        const spend = row?.cost ?? 0;
        const share = spend / monthly;
        const reached = reachedThreshold(share);
        return {
          group,
          title: row?.title ?? group,
          monthly,
          spend,
          share,
          ...(reached ? { reached } : {}),
          users: row?.users ?? 0,
        };
      }),
    warnings: report.warnings,
    ...(report.source ? { source: report.source } : {}),
  };
}
