import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { monthOf } from '@maas-portal/plugin-maas-common';
import { CostRange, costRange } from './costRange';
import { SETTLED_SECONDS } from './CostUsageCache';

export const COST_KEEPING_TASK_ID = 'maas-costs-keeping';

/**
 * The months (in `timeZone`) whose figures a pass prepares at `nowSeconds`: last month once it has settled (its counts
 * are then kept in the database, so nobody waits for Prometheus to count a past month), and this month
 * (its latest counts kept in the database for every replica, and in the memory of the one that runs the pass).
 */
export function monthsToPrepare(
  nowSeconds: number,
  timeZone: string,
): CostRange[] {
  const thisMonth = costRange({}, nowSeconds, timeZone);
  const lastMonthEnd = thisMonth.start;
  const lastMonth = costRange(
    { month: monthOf(lastMonthEnd - 1, timeZone) },
    nowSeconds,
    timeZone,
  );
  return [
    ...(lastMonthEnd <= nowSeconds - SETTLED_SECONDS ? [lastMonth] : []),
    thisMonth,
  ];
}

/**
 * Every 10 minutes on one replica (`scope: 'global'`): the figures of last month and this month computed
 * before anyone opens them. A month of 1,000 users × 20 models costs Prometheus seconds even from the
 * recording rules (their raw edges read every series); a kept month costs a database read, and this
 * month's latest counts, at most 10 minutes old, are within COST_STALE_SECONDS: shown at once, with
 * the time they reach, while newer ones are computed.
 */
export async function scheduleCostKeeping(options: {
  scheduler: SchedulerService;
  costs: { prepare(range: CostRange): Promise<void> };
  logger: LoggerService;
  /** `maas.costs.timeZone`: the months prepared are the ones the Costs page asks for. */
  timeZone: string;
}): Promise<void> {
  const { scheduler, costs, logger, timeZone } = options;
  await scheduler.scheduleTask({
    id: COST_KEEPING_TASK_ID,
    scope: 'global',
    frequency: { minutes: 10 },
    timeout: { minutes: 8 },
    initialDelay: { seconds: 30 },
    fn: async () => {
      for (const range of monthsToPrepare(Date.now() / 1000, timeZone)) {
        try {
          await costs.prepare(range);
        } catch (error) {
          // Prometheus unreachable: the month is computed when it is opened, or at the next pass.
          logger.warn(
            `Costs of ${range.month} not prepared: ${(error as Error).message}`,
          );
        }
      }
    },
  });
}
