import {
  BUDGET_THRESHOLDS,
  BudgetReport,
  CostReport,
  monthRange,
  TeamBudgetStatus,
} from '@maas-portal/plugin-maas-common';
import { TeamBudget } from '../config/budgetsConfig';

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
    timeZone: report.timeZone,
    start: report.start,
    end: report.end,
    monthEnd: monthRange(report.month, report.timeZone).end,
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
