import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { KeySecrets } from './KeySecrets';
import { KeyServices } from './createKeyServices';
import { reconcileKeys, ReconcileReport } from './reconcileKeys';
import { MaasNotifier } from '../notifications/MaasNotifier';
import { notifyExpiringKeys } from './notifyExpiringKeys';

export const KEY_TASK_ID = 'maas-keys-maintenance';

export interface KeyTaskReport extends ReconcileReport {
  expired: string[];
  rotated: string[];
  /** Expiry notices sent in this pass, by once-key (`expiry|<key id>|7d`). */
  expiryNotices: string[];
}

/** One pass: expire keys, end rotation overlaps, repair what crashes left, then tell owners of keys about to expire. */
export async function runKeyTasks(options: {
  keys: KeyServices;
  secrets: KeySecrets;
  logger: LoggerService;
  namespaces: string[];
  now?: () => Date;
  graceMs?: number;
  /** Tells owners 7 days and 1 day before their keys expire; absent: nobody is told. */
  notifier?: MaasNotifier;
}): Promise<KeyTaskReport> {
  const expired = await options.keys.operations.expireKeys();
  const rotated = await options.keys.operations.endRotations();
  const now = (options.now ?? (() => new Date()))();
  const reconciled = await reconcileKeys({ ...options, now });
  const expiryNotices = options.notifier
    ? await notifyExpiringKeys({
        db: options.keys.db,
        notifier: options.notifier,
        now,
      })
    : [];
  if (expired.length || rotated.length) {
    options.logger.info(
      `Keys expired: ${expired.length}; rotations ended: ${rotated.length}`,
    );
  }
  return { expired, rotated, expiryNotices, ...reconciled };
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
