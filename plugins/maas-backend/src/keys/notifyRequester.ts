import { KeyRequest } from '@maas-portal/plugin-maas-common';
import { MaasNotifier } from '../notifications/MaasNotifier';
import { notificationLinks } from '../notifications/notificationLinks';

/** What the requester is told happened, by the request's state. */
const OUTCOMES: Partial<Record<KeyRequest['state'], string>> = {
  approved: 'approved',
  issued: 'approved',
  rejected: 'rejected',
  failed: 'failed: no key could be issued',
};

/**
 * Tells a requester that their key request was decided, or failed, with a link to My API keys,
 * when the notifications plugin is installed. A failure to notify is logged (by the notifier) and
 * never undoes or fails the decision.
 */
export async function notifyRequester(options: {
  notifier?: MaasNotifier;
  request: KeyRequest;
  /** Who decided; absent when the portal itself moved the request (it failed). */
  decidedBy?: string;
}): Promise<void> {
  const { notifier, request, decidedBy } = options;
  if (!notifier) return;
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
  await notifier.notify({
    to: [request.userEntityRef],
    // Whoever decided their own request (allowSelfApproval) needs no notification of it.
    except: decidedBy ? [decidedBy] : [],
    payload: {
      title: `${what} for ${request.model} ${outcome}`,
      description,
      link: notificationLinks.myKeys,
      severity: outcome === 'approved' ? 'normal' : 'high',
      topic: 'maas-keys',
      scope: `maas-key-request:${request.id}`,
    },
  });
}
