import { ConflictError } from '@backstage/errors';
import { KeyRequestState } from '@maas-portal/plugin-maas-common';

/** What a request may become from each state; everything else is refused. */
const TRANSITIONS: Record<KeyRequestState, readonly KeyRequestState[]> = {
  pending: ['approved', 'rejected', 'cancelled'],
  approved: ['issued'],
  issued: [],
  rejected: [],
  cancelled: [],
};

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
