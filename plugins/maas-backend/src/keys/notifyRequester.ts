import { LoggerService } from '@backstage/backend-plugin-api';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { KeyRequest } from '@maas-portal/plugin-maas-common';

/** What the requester is told happened, by the request's state. */
const OUTCOMES: Partial<Record<KeyRequest['state'], string>> = {
  approved: 'approved',
  issued: 'approved',
  rejected: 'rejected',
  failed: 'failed: no key could be issued',
};

/**
 * Tells a requester that their key request was decided, or failed, when the notifications plugin is
 * installed. A failure to notify is logged and never undoes or fails the decision.
 */
export async function notifyRequester(options: {
  notifications?: NotificationService;
  logger: LoggerService;
  request: KeyRequest;
  /** Who decided; absent when the portal itself moved the request (it failed). */
  decidedBy?: string;
}): Promise<void> {
  const { notifications, logger, request, decidedBy } = options;
  if (!notifications) return;
  const outcome = OUTCOMES[request.state] ?? request.state;
  const what =
    request.kind === 'tier-change'
      ? `Tier change to ${request.tier}`
      : `API key request (${request.tier}${
          request.name ? `, "${request.name}"` : ''
        })`;
  let description: string;
  if (request.state === 'failed')
    description = request.failureReason ?? 'The key could not be issued.';
  else if (request.decisionComment)
    description = `${decidedBy}: ${request.decisionComment}`;
  else description = `Decided by ${decidedBy}.`;
  try {
    await notifications.send({
      recipients: {
        type: 'entity',
        entityRef: request.userEntityRef,
        ...(decidedBy ? { excludeEntityRef: decidedBy } : {}),
      },
      payload: {
        title: `${what} for ${request.model} ${outcome}`,
        description,
        severity: outcome === 'approved' ? 'normal' : 'high',
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
