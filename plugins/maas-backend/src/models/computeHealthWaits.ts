import {
  HealthController,
  HealthReason,
} from '@maas-portal/plugin-maas-common';
import { Condition, Named } from '@maas-portal/plugin-maas-node';

/**
 * How long a controller may take to report on an object before its silence counts against the
 * model: a fresh model waits for KServe to load it, the Gateway to accept its route and Kuadrant
 * to enforce its policies, which takes seconds to a few minutes.
 */
export const WAITING_GRACE_SECONDS = 600;

/** A reason while it is worked out: pending reasons carry when their wait began. */
export type Finding = HealthReason & { since?: string };

/** A reason about a controller that has not caught up since `since` (a timestamp). */
export const pending = (
  reason: HealthReason,
  waitingFor: HealthController,
  since: string | undefined,
): Finding => ({ ...reason, waitingFor, since });

const iso = (time: Date | string | undefined) =>
  time === undefined ? undefined : new Date(time).toISOString();

/**
 * When the object's spec last changed: the newest write of a field manager to the object itself
 * (not to its status), or its creation when the API server recorded no such write.
 */
export function changedAt(object: Named): string | undefined {
  const writes = (object.metadata.managedFields ?? [])
    .filter(f => !f.subresource && f.time)
    .map(f => new Date(f.time!).getTime());
  return writes.length > 0
    ? new Date(Math.max(...writes)).toISOString()
    : iso(object.metadata.creationTimestamp);
}

/**
 * True when the condition was written for an earlier generation of the object: its controller has
 * not caught up with the latest change, so what it says is about the object as it was.
 */
export function isStale(condition: Condition, object: Named): boolean {
  const { observedGeneration } = condition;
  const { generation } = object.metadata;
  return (
    observedGeneration !== undefined &&
    generation !== undefined &&
    observedGeneration < generation
  );
}

const ORDER: HealthController[] = ['KServe', 'the Gateway', 'Kuadrant'];

/**
 * The controllers a new or just changed model waits for, and since when, when every reason is a
 * controller's silence or pending state that began within the grace period; undefined when anything
 * else is wrong or a wait has gone on too long (or began at an unknown time) to call it new.
 */
export function waitingControllers(
  reasons: Finding[],
  now: Date,
): { waitingFor: HealthController[]; waitingSince: string } | undefined {
  if (reasons.length === 0) return undefined;
  const began = reasons.map(r => (r.since ? Date.parse(r.since) : NaN));
  const fresh = (t: number) =>
    !Number.isNaN(t) && now.getTime() - t < WAITING_GRACE_SECONDS * 1000;
  if (!reasons.every((r, i) => r.waitingFor && fresh(began[i])))
    return undefined;
  return {
    waitingFor: ORDER.filter(c => reasons.some(r => r.waitingFor === c)),
    waitingSince: new Date(Math.min(...began)).toISOString(),
  };
}
