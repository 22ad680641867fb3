import {
  BackstageCredentials,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  formatMoney,
  MAAS_TEAM_LEADS_ANNOTATION,
  TeamBudgetStatus,
} from '@maas-portal/plugin-maas-common';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { REF_AND_ANNOTATIONS_FIELDS } from '../entities/catalogFields';
import { MaasNotifier, NotifyResult } from '../notifications/MaasNotifier';
import { notificationLinks } from '../notifications/notificationLinks';
import { BudgetService } from './BudgetService';
import { teamLeadsOf } from './costDirectory';
import { costRange } from './costRange';

export const BUDGET_TASK_ID = 'maas-budget-alerts';

/** What one pass did for one budgeted team that reached a threshold. */
export interface BudgetAlert {
  group: string;
  month: string;
  reached: NonNullable<TeamBudgetStatus['reached']>;
  /** The team leads told (the Group's team-leads annotation). */
  leads: string[];
  result: NotifyResult;
}

/** The guard key of one team's threshold in one month: each is sent once, across replicas. */
export const budgetAlertKey = (group: string, month: string, reached: number) =>
  `budget|${group}|${month}|${reached}`;

/** A share as whole percent, down (85 % is not shown as 84 % for a float's last bit). */
const percent = (share: number) => Math.floor(share * 100 + 1e-9);

/**
 * One pass over this month's budgets (in `timeZone`): each team whose spend has reached 80 % or 100 % of its
 * budget has its team leads told, once per month per threshold, with a link to the Costs page. Only
 * the highest threshold reached is sent: a team found at 100 % is not told about 80 % afterwards.
 * Soft budgets: nothing is blocked. The figures are the Costs page's for the month, read with the
 * plugin's own credentials (every group).
 */
export async function checkBudgets(options: {
  budgets: BudgetService;
  catalog: CatalogService;
  notifier: Pick<MaasNotifier, 'notify'>;
  credentials: BackstageCredentials;
  logger: LoggerService;
  /** `maas.costs.timeZone`: the month the Costs page shows as this month. */
  timeZone: string;
  nowSeconds?: number;
}): Promise<BudgetAlert[]> {
  const { budgets, catalog, notifier, credentials, logger } = options;
  if (budgets.budgets.length === 0) return [];
  const range = costRange(
    {},
    options.nowSeconds ?? Date.now() / 1000,
    options.timeZone,
  );
  const report = await budgets.report(
    { ...range, month: range.month! },
    { credentials, readAll: true },
  );
  const reached = report.budgets.filter(b => b.reached !== undefined);
  if (reached.length === 0) return [];
  const { items } = await catalog.getEntitiesByRefs(
    {
      entityRefs: reached.map(b => b.group),
      fields: REF_AND_ANNOTATIONS_FIELDS,
    },
    { credentials },
  );
  const leadsOf = new Map(
    items.flatMap(group =>
      group ? [[stringifyEntityRef(group), teamLeadsOf(group)] as const] : [],
    ),
  );
  const alerts: BudgetAlert[] = [];
  for (const budget of reached) {
    const threshold = budget.reached!;
    const leads = leadsOf.get(budget.group) ?? [];
    if (leads.length === 0) {
      logger.warn(
        `Budget of ${budget.group}: ${percent(budget.share)} % spent in ${
          report.month
        }, but nobody is told: the Group names no team lead ` +
          `(annotation ${MAAS_TEAM_LEADS_ANNOTATION})${
            leadsOf.has(budget.group)
              ? ''
              : ', or the catalog has no such Group'
          }`,
      );
      continue;
    }
    const amount = (x: number) =>
      formatMoney(x, report.currency ?? '', report.decimals);
    const spent = `${amount(budget.spend)} of ${amount(
      budget.monthly,
    )} (${percent(budget.share)} %)`;
    const result = await notifier.notify({
      to: leads,
      once: budgetAlertKey(budget.group, report.month, threshold),
      payload: {
        title:
          threshold >= 1
            ? `${budget.title} has spent its budget for ${report.month}: ${spent}`
            : `${budget.title} has spent ${
                threshold * 100
              } % of its budget for ${report.month}: ${spent}`,
        description:
          'A soft budget: calls are not blocked. The Costs page shows who and which models spent it.',
        link: notificationLinks.costs,
        severity: threshold >= 1 ? 'high' : 'normal',
        topic: 'maas-budgets',
        // The 100 % notice replaces the 80 % one in a lead's list.
        scope: `maas-budget:${budget.group}:${report.month}`,
      },
    });
    alerts.push({
      group: budget.group,
      month: report.month,
      reached: threshold,
      leads,
      result,
    });
  }
  return alerts;
}

/**
 * Runs {@link checkBudgets} every 10 minutes on one replica (`scope: 'global'`); the figures are at
 * most maas.prometheus.cacheTtlSeconds old when the Costs page was just read.
 */
export async function scheduleBudgetChecks(
  options: Omit<Parameters<typeof checkBudgets>[0], 'credentials'> & {
    scheduler: SchedulerService;
    credentials: () => Promise<BackstageCredentials>;
  },
): Promise<void> {
  const { scheduler, credentials, ...check } = options;
  await scheduler.scheduleTask({
    id: BUDGET_TASK_ID,
    scope: 'global',
    frequency: { minutes: 10 },
    timeout: { minutes: 5 },
    initialDelay: { minutes: 1 },
    fn: async () => {
      try {
        await checkBudgets({ ...check, credentials: await credentials() });
      } catch (error) {
        // Prometheus or the catalog unreachable: the next pass tries again.
        options.logger.warn(`Budgets not checked: ${(error as Error).message}`);
      }
    },
  });
}
