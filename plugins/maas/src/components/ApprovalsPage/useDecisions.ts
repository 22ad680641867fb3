import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import { IssuedKey, KeyRequest } from '@maas-portal/plugin-maas-common';
import { useState } from 'react';
import { maasApiRef } from '../../api/MaasApi';
import { errorMessage } from '../ErrorAlert';
import { DecisionOutcome } from './DecisionResults';

export type Decision = 'approve' | 'reject';

/**
 * A bulk decision on key requests: the comment (required to reject: the requesters read it as
 * the reason), the call, its results. When self-approval is allowed (single-admin installs) and
 * the approver approved their own request, the key is theirs: it is shown once, here.
 */
export function useDecisions(options: {
  /** After a decision answered: the ids that failed, which stay selected. */
  onDecided: (failedIds: string[]) => void;
}) {
  const api = useApi(maasApiRef);
  const identityApi = useApi(identityApiRef);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<DecisionOutcome>();
  const [error, setError] = useState<string>();
  const [ownKey, setOwnKey] = useState<IssuedKey>();

  /** The key of one's own request just approved and issued, shown once. */
  const revealOwn = async (decided: KeyRequest[]) => {
    const { userEntityRef } = await identityApi.getBackstageIdentity();
    const own = decided.find(
      r =>
        r.userEntityRef === userEntityRef &&
        r.kind === 'new-key' &&
        r.state === 'issued' &&
        r.keyId,
    );
    if (own) setOwnKey(await api.revealKey(own.keyId!));
  };

  const decide = async (decision: Decision, chosen: KeyRequest[]) => {
    setBusy(true);
    setError(undefined);
    setOutcome(undefined);
    try {
      const results = await api.decideKeyRequests({
        ids: chosen.map(r => r.id),
        decision,
        comment: comment.trim() || undefined,
      });
      setOutcome({
        decision,
        results,
        requests: new Map(chosen.map(r => [r.id, r])),
      });
      if (results.every(r => r.ok)) setComment('');
      options.onDecided(results.filter(r => !r.ok).map(r => r.id));
      if (decision === 'approve') {
        await revealOwn(
          results.flatMap(r => (r.ok && r.request ? [r.request] : [])),
        );
      }
    } catch (e) {
      setError(
        `Could not ${decision} the requests: ${errorMessage(e as Error)}`,
      );
    } finally {
      setBusy(false);
    }
  };

  return {
    comment,
    setComment,
    busy,
    outcome,
    clearOutcome: () => setOutcome(undefined),
    error,
    decide,
    ownKey,
    clearOwnKey: () => setOwnKey(undefined),
  };
}
