import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { EntityModelRef } from '../entities/ModelRef';
import { ModelReader } from '../entities/ModelReader';
import { MaasNotifier } from '../notifications/MaasNotifier';
import { ModelReaders } from '../permissions/modelReaders';
import { LimitWindowNotices } from './limitWindowNotices';
import { notifyShortTokenCounting } from './tokenCountingNotices';
import { TokenCheckService } from './TokenCheckService';

export const LIMIT_NOTICES_TASK_ID = 'maas-limit-window-notices';
export const TOKEN_COUNTING_TASK_ID = 'maas-token-counting-notices';

/** Once-keys older than this are forgotten: longer than any limit window or expiry milestone. */
const GUARD_KEPT_MS = 35 * 24 * 60 * 60 * 1000;

/**
 * On one replica each (`scope: 'global'`): limit window notices every 30 s (a 2-minute window is
 * then told at most half a minute late), and the token counting check every 10 minutes (it asks
 * Prometheus about an hour), which also prunes the notifier's once-guard.
 */
export async function scheduleUsageNotices(options: {
  scheduler: SchedulerService;
  limitNotices?: LimitWindowNotices;
  tokenCheck: TokenCheckService;
  models: () => EntityModelRef[];
  reader: ModelReader;
  readers: ModelReaders;
  notifier: MaasNotifier;
  logger: LoggerService;
}): Promise<void> {
  const { scheduler, limitNotices, notifier, logger } = options;
  if (limitNotices) {
    await scheduler.scheduleTask({
      id: LIMIT_NOTICES_TASK_ID,
      scope: 'global',
      frequency: { seconds: 30 },
      timeout: { minutes: 2 },
      initialDelay: { seconds: 20 },
      fn: async () => {
        await limitNotices.run();
      },
    });
  }
  await scheduler.scheduleTask({
    id: TOKEN_COUNTING_TASK_ID,
    scope: 'global',
    frequency: { minutes: 10 },
    timeout: { minutes: 5 },
    initialDelay: { minutes: 1 },
    fn: async () => {
      await notifyShortTokenCounting({ ...options, models: options.models() });
      await notifier.prune(GUARD_KEPT_MS);
      logger.debug('Token counting notices: checked');
    },
  });
}
