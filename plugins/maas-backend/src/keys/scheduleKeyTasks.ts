import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { KeySecrets } from './KeySecrets';
import { KeyServices } from './createKeyServices';
import { reconcileKeys, ReconcileReport } from './reconcileKeys';

export const KEY_TASK_ID = 'maas-keys-maintenance';

export interface KeyTaskReport extends ReconcileReport {
  expired: string[];
  rotated: string[];
}

/** One pass: expire keys, end rotation overlaps, then repair what crashes left. */
export async function runKeyTasks(options: {
  keys: KeyServices;
  secrets: KeySecrets;
  logger: LoggerService;
  namespaces: string[];
  now?: () => Date;
  graceMs?: number;
}): Promise<KeyTaskReport> {
  const expired = await options.keys.operations.expireKeys();
  const rotated = await options.keys.operations.endRotations();
  const reconciled = await reconcileKeys({
    ...options,
    now: (options.now ?? (() => new Date()))(),
  });
  if (expired.length || rotated.length) {
    options.logger.info(
      `Keys expired: ${expired.length}; rotations ended: ${rotated.length}`,
    );
  }
  return { expired, rotated, ...reconciled };
}

/**
 * Runs {@link runKeyTasks} every minute on one replica (`scope: 'global'`: the scheduler's lock
 * in the database picks it).
 */
export async function scheduleKeyTasks(
  options: Parameters<typeof runKeyTasks>[0] & { scheduler: SchedulerService },
): Promise<void> {
  const { scheduler, ...taskOptions } = options;
  await scheduler.scheduleTask({
    id: KEY_TASK_ID,
    scope: 'global',
    frequency: { minutes: 1 },
    timeout: { minutes: 5 },
    initialDelay: { seconds: 30 },
    fn: async () => {
      await runKeyTasks(taskOptions);
    },
  });
}
