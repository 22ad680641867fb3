import { ConflictError } from '@backstage/errors';
import { KeyRequestState } from '@maas-portal/plugin-maas-common';

/** What a request may become from each state; everything else is refused. */
const TRANSITIONS: Record<KeyRequestState, readonly KeyRequestState[]> = {
  pending: ['approved', 'rejected', 'cancelled'],
  // An approved request fails when its key cannot be issued: at once when the model is gone,
  // else after ISSUE_ATTEMPTS failed attempts, so that it is not retried forever.
  approved: ['issued', 'failed'],
  issued: [],
  rejected: [],
  cancelled: [],
  failed: [],
};

/**
 * Attempts to issue an approved request's key before it fails: the approval's own, then one per
 * reconcile pass (every minute), so a cluster that is away for a quarter of an hour fails nothing.
 */
export const ISSUE_ATTEMPTS = 15;

export const KEY_REQUEST_STATES = Object.keys(TRANSITIONS) as KeyRequestState[];

export function canTransition(
  from: KeyRequestState,
  to: KeyRequestState,
): boolean {
  return TRANSITIONS[from]?.includes(to) ?? false;
}

/** Throws a ConflictError naming both states when `from` → `to` is not allowed. */
export function assertTransition(
  from: KeyRequestState,
  to: KeyRequestState,
): void {
  if (!canTransition(from, to)) {
    const allowed = TRANSITIONS[from]?.length
      ? TRANSITIONS[from].join(', ')
      : 'nothing (it is final)';
    throw new ConflictError(
      `A key request cannot go from ${from} to ${to}; from ${from} it can only become ${allowed}`,
    );
  }
}
