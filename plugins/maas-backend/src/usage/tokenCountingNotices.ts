import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { stringifyObjectRef } from '@maas-portal/plugin-maas-common';
import { EntityModelRef } from '../entities/ModelRef';
import { ModelReader } from '../entities/ModelReader';
import { MaasNotifier } from '../notifications/MaasNotifier';
import { notificationLinks } from '../notifications/notificationLinks';
import { ModelReaders } from '../permissions/modelReaders';
import { countedRoute } from './countedRoute';
import { TokenCheckService } from './TokenCheckService';

/**
 * Tells a model's owners (its entity's `spec.owner`) when its token counting falls short (the
 * token check's `not-counted`: Limitador left more than `maas.usage.tokenMismatchShare` of vLLM's
 * tokens uncounted over the last hour), once per model and UTC day, with a link to its Usage tab.
 * Returns the once-keys sent.
 */
export async function notifyShortTokenCounting(options: {
  models: EntityModelRef[];
  reader: ModelReader;
  tokenCheck: TokenCheckService;
  readers: ModelReaders;
  notifier: MaasNotifier;
  logger: LoggerService;
  now?: Date;
}): Promise<string[]> {
  const { reader, tokenCheck, readers, notifier, logger } = options;
  const now = options.now ?? new Date();
  const day = now.toISOString().slice(0, 10);
  const sent: string[] = [];
  for (const model of options.models) {
    const name = stringifyObjectRef(model.inferenceService);
    try {
      const check = await tokenCheck.check({
        ...countedRoute(reader, model),
        nowSeconds: now.getTime() / 1000,
      });
      if (check.state !== 'not-counted') continue;
      const once = `token-counting|${model.entityRef}|${day}`;
      const result = await notifier.notify({
        to: await readers.owners(model.entityRef),
        once,
        payload: {
          title: `Token limits on ${name} are not being counted`,
          description: check.message,
          link: notificationLinks.modelUsage(parseEntityRef(model.entityRef)),
          severity: 'high',
          topic: 'maas-token-counting',
          scope: `maas-token-counting:${model.entityRef}`,
        },
      });
      if (result === 'sent') sent.push(once);
    } catch (error) {
      logger.warn(
        `Token counting of ${name} not checked for its owners: ${
          (error as Error).message
        }`,
      );
    }
  }
  return sent;
}
