import { LimitadorCounter } from './LimitadorClient';

/**
 * Whether a Limitador limit is the one a policy's limit became. kuadrant-operator (v1.3) writes
 * no `name`, but a condition on the descriptor `limit.<name with "-" as "_">__<hash>`; a Limitador
 * configured by hand may carry the policy key as `name`.
 */
export function isLimitOf(
  limit: LimitadorCounter['limit'],
  limitName: string,
): boolean {
  if (limit.name === limitName) return true;
  const descriptor = `limit.${limitName.replace(/-/g, '_')}__`;
  return limit.conditions.some(c => c.includes(descriptor));
}

/** Whether a counter counts for this user: one of its variables is set to the user's id. */
export function isCounterOf(counter: LimitadorCounter, userId: string) {
  return Object.values(counter.set_variables).includes(userId);
}

/** The user's counter of the limit, if they called within its current window. */
export function counterFor(
  counters: LimitadorCounter[],
  limitName: string,
  userId: string,
): LimitadorCounter | undefined {
  return counters.find(
    c => isLimitOf(c.limit, limitName) && isCounterOf(c, userId),
  );
}
