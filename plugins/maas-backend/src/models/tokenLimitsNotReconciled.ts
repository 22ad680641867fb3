import { Condition, Named } from '@maas-portal/plugin-maas-node';
import { changedAt, isStale } from './computeHealthWaits';

/** A policy of a model as the verdicts read it: its kind and the object with its status. */
export interface ReportedPolicy {
  kind: string;
  object: Named & { status?: { conditions?: Condition[] } };
}

/** Kinds whose report shows that kuadrant-operator runs and has read the model's policies. */
const REPORTING_KINDS = ['AuthPolicy', 'RateLimitPolicy'];

/** When kuadrant-operator last wrote the policy's status: its newest condition or status write. */
function reportedAt(object: ReportedPolicy['object']): number {
  const times = [
    ...(object.status?.conditions ?? []).map(c => c.lastTransitionTime),
    ...(object.metadata.managedFields ?? [])
      .filter(f => f.subresource === 'status')
      .map(f => f.time),
  ]
    .filter(t => t !== undefined)
    .map(t => new Date(t!).getTime());
  return times.length > 0 ? Math.max(...times) : NaN;
}

/**
 * The TokenRateLimitPolicies of a model that the installed kuadrant-operator does not reconcile, each
 * with the sentence that says so; the one home of that sentence (health, tiers).
 *
 * kuadrant-operator v1.2.0 has no TokenRateLimitPolicy controller (it came with 1.3): such a policy is
 * stored (the CRD is installed) but gets no status, no Limitador limits and no wasm actions, so nothing
 * counts tokens. Its silence alone could be an operator that has not got to it yet; so it is called
 * unreconciled only when the same operator has reported, for their current generation, on the model's
 * AuthPolicy or RateLimitPolicy at or after the token policy was last changed (times are to the second):
 * an operator that reads token policies reports on all of them in the same pass.
 */
export function tokenPoliciesNotReconciled(
  policies: ReportedPolicy[],
): Map<ReportedPolicy['object'], string> {
  const result = new Map<ReportedPolicy['object'], string>();
  const reporters = policies.filter(p => {
    if (!REPORTING_KINDS.includes(p.kind)) return false;
    const accepted = p.object.status?.conditions?.find(
      c => c.type === 'Accepted',
    );
    return !!accepted && !isStale(accepted, p.object);
  });
  for (const policy of policies) {
    if (policy.kind !== 'TokenRateLimitPolicy') continue;
    if ((policy.object.status?.conditions ?? []).length > 0) continue;
    const since = Date.parse(changedAt(policy.object) ?? '');
    if (Number.isNaN(since)) continue;
    const kinds = REPORTING_KINDS.filter(kind =>
      reporters.some(r => r.kind === kind && reportedAt(r.object) >= since),
    );
    if (kinds.length === 0) continue;
    const { namespace, name } = policy.object.metadata;
    result.set(
      policy.object,
      `kuadrant-operator reports on this model's ${kinds.join(
        ' and ',
      )} but not on TokenRateLimitPolicy ${namespace}/${name}: the installed Kuadrant does not enforce ` +
        'token limits (Kuadrant 1.3 or newer does); tokens are not counted',
    );
  }
  return result;
}
