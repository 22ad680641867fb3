import { LoggerService } from '@backstage/backend-plugin-api';
import { parseObjectRef } from '@maas-portal/plugin-maas-common';
import { MaasConfig } from '../config/MaasConfig';
import { EntityBindings } from '../entities/EntityBindings';
import { MaasNotifier } from '../notifications/MaasNotifier';
import { notificationLinks } from '../notifications/notificationLinks';
import { StoredKeyRequest } from './store/KeyRequestStore';

/**
 * Who may decide `request`, as `permissions/keyAccess.ts` (`deciding`) and
 * `EntityBindings.refusalToDecide` decide it: the groups of `maas.adminGroups` and the owner the
 * model's InferenceService records (a user or a group). The requester is left out unless
 * `maas.approvals.allowSelfApproval`.
 */
export function approversOf(options: {
  request: Pick<StoredKeyRequest, 'entityRef' | 'model' | 'userEntityRef'>;
  config: MaasConfig;
  bindings?: EntityBindings;
  logger: LoggerService;
}): { to: string[]; except: string[] } {
  const { request, config, bindings, logger } = options;
  const to = [...config.adminGroups];
  const inferenceService = parseObjectRef(request.model);
  if (bindings && inferenceService) {
    try {
      const binding = bindings.of({
        entityRef: request.entityRef,
        inferenceService,
      });
      if (binding.bound && binding.owner) to.push(binding.owner);
    } catch (error) {
      // The InferenceServices are not read yet: the admins are told, the owner sees it on Approvals.
      logger.warn(
        `Key request for ${request.model}: its owner is not told (${
          (error as Error).message
        }); the admins are`,
      );
    }
  }
  return {
    to,
    except: config.approvals.allowSelfApproval ? [] : [request.userEntityRef],
  };
}

/**
 * Tells those who may decide a request that it waits for them (a tier with manual approval), with
 * a link to Approvals. Never throws: a request is made whether or not anyone could be told.
 */
export async function notifyApprovers(options: {
  notifier?: MaasNotifier;
  request: StoredKeyRequest;
  config: MaasConfig;
  bindings?: EntityBindings;
  logger: LoggerService;
}): Promise<void> {
  const { notifier, request } = options;
  if (!notifier) return;
  const what =
    request.kind === 'tier-change'
      ? `A tier change to ${request.tier}`
      : `An API key request (${request.tier}${
          request.name ? `, "${request.name}"` : ''
        })`;
  await notifier.notify({
    ...approversOf(options),
    payload: {
      title: `${what} for ${request.model} waits for approval`,
      description: `${request.userEntityRef}: ${request.reason}`,
      link: notificationLinks.approvals,
      severity: 'normal',
      topic: 'maas-approvals',
      scope: `maas-key-request-pending:${request.id}`,
    },
  });
}
