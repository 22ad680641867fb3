import { LoggerService } from '@backstage/backend-plugin-api';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { KeyRequest } from '@maas-portal/plugin-maas-common';

/**
 * Tells a requester that their key request was decided, when the notifications plugin is
 * installed. A failure to notify is logged and never undoes or fails the decision.
 */
export async function notifyRequester(options: {
  notifications?: NotificationService;
  logger: LoggerService;
  request: KeyRequest;
  decidedBy: string;
}): Promise<void> {
  const { notifications, logger, request, decidedBy } = options;
  if (!notifications) return;
  const approved = request.state === 'approved' || request.state === 'issued';
  const what =
    request.kind === 'tier-change'
      ? `Tier change to ${request.tier}`
      : `API key request (${request.tier})`;
  try {
    await notifications.send({
      recipients: {
        type: 'entity',
        entityRef: request.userEntityRef,
        excludeEntityRef: decidedBy,
      },
      payload: {
        title: `${what} for ${request.model} ${
          approved ? 'approved' : 'rejected'
        }`,
        description: request.decisionComment
          ? `${decidedBy}: ${request.decisionComment}`
          : `Decided by ${decidedBy}.`,
        severity: approved ? 'normal' : 'high',
        topic: 'maas-keys',
        scope: `maas-key-request:${request.id}`,
      },
    });
  } catch (error) {
    logger.warn(
      `Could not notify ${request.userEntityRef} about key request ${
        request.id
      }: ${(error as Error).message}`,
    );
  }
}
