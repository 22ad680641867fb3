import { HealthReason, HealthVerdict } from '@maas-portal/plugin-maas-common';
import {
  Condition,
  HTTPRoute,
  InferenceService,
  Named,
  ParentRef,
} from '@maas-portal/plugin-maas-node';
import {
  changedAt,
  Finding,
  isStale,
  pending,
  waitingControllers,
} from './computeHealthWaits';
import { tokenPoliciesNotReconciled } from './tokenLimitsNotReconciled';

export { WAITING_GRACE_SECONDS } from './computeHealthWaits';

/** A policy with the level it is attached at, for the verdict. */
export interface AttachedPolicy {
  kind: string;
  object: Named & { status?: { conditions?: Condition[] } };
  attachedTo: 'route' | 'gateway';
}

const label = (
  kind: string,
  o: { metadata: { namespace?: string; name: string } },
) => `${kind} ${o.metadata.namespace}/${o.metadata.name}`;

function condition(
  conditions: Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find(c => c.type === type);
}

/** `what`, followed by the condition's reason and message when it has them. */
function explained(what: string, c: Condition): string {
  const why = [c.reason, c.message].filter(Boolean).join(': ');
  return why ? `${what}: ${why}` : what;
}

function inferenceServiceReasons(isvc: InferenceService): Finding[] {
  const object = label('InferenceService', isvc);
  const created = changedAt(isvc);
  const reasons: Finding[] = [];
  const ready = condition(isvc.status?.conditions, 'Ready');
  const modelState = isvc.status?.modelStatus?.states?.activeModelState;
  if (modelState === 'FailedToLoad') {
    const failure = isvc.status?.modelStatus?.lastFailureInfo;
    reasons.push({
      severity: 'unhealthy',
      object,
      message: `The model failed to load${
        failure
          ? `: ${[failure.reason, failure.message].filter(Boolean).join(': ')}`
          : ''
      }`,
    });
  } else if (modelState && modelState !== 'Loaded') {
    reasons.push(
      pending(
        {
          severity: 'degraded',
          object,
          message: `The model is ${modelState.toLowerCase()}, not loaded yet`,
        },
        'KServe',
        created,
      ),
    );
  }
  if (!ready) {
    reasons.push(
      pending(
        {
          severity: 'degraded',
          object,
          message: 'KServe has not reported readiness yet',
        },
        'KServe',
        created,
      ),
    );
  } else if (ready.status !== 'True') {
    const notReady: HealthReason = {
      severity: 'unhealthy',
      object,
      message: explained('Not ready', ready),
    };
    // A model that failed to load is broken; one not ready yet while loading is on its way.
    reasons.push(
      modelState === 'FailedToLoad'
        ? notReady
        : pending(notReady, 'KServe', ready.lastTransitionTime ?? created),
    );
  }
  return reasons;
}

function sameParent(
  spec: ParentRef,
  status: ParentRef,
  routeNamespace: string,
): boolean {
  return (
    spec.name === status.name &&
    (spec.namespace ?? routeNamespace) ===
      (status.namespace ?? routeNamespace) &&
    (spec.sectionName ?? '') === (status.sectionName ?? '')
  );
}

type RouteParentStatus = NonNullable<
  NonNullable<HTTPRoute['status']>['parents']
>[number];

/**
 * The gateway controller's entry for one parent. Policy controllers write their own entries for the
 * same parent (kuadrant-operator's `kuadrant.io/policy-controller` carries only `*PolicyAffected`
 * conditions), in any order; the gateway's verdict is the entry that carries `Accepted`.
 */
function gatewayVerdict(
  route: HTTPRoute,
  parent: ParentRef,
  namespace: string,
): RouteParentStatus | undefined {
  const entries = (route.status?.parents ?? []).filter(p =>
    sameParent(parent, p.parentRef, namespace),
  );
  return (
    entries.find(p => condition(p.conditions, 'Accepted')) ??
    entries.find(p => !p.controllerName?.startsWith('kuadrant.io/'))
  );
}

function routeReasons(route: HTTPRoute): Finding[] {
  const object = label('HTTPRoute', route);
  const changed = changedAt(route);
  const reasons: Finding[] = [];
  const namespace = route.metadata.namespace ?? '';
  const parents = route.spec?.parentRefs ?? [];
  if (parents.length === 0) {
    reasons.push({
      severity: 'unhealthy',
      object,
      message:
        'The route names no Gateway in parentRefs, so no traffic reaches the model',
    });
  }
  for (const parent of parents) {
    const gateway = `Gateway ${parent.namespace ?? namespace}/${parent.name}`;
    const status = gatewayVerdict(route, parent, namespace);
    if (!status) {
      reasons.push(
        pending(
          {
            severity: 'degraded',
            object,
            message: `${gateway} has not accepted the route yet (no status from its controller)`,
          },
          'the Gateway',
          changed,
        ),
      );
      continue;
    }
    for (const type of ['Accepted', 'ResolvedRefs']) {
      const c = condition(status.conditions, type);
      if (!c || isStale(c, route)) {
        reasons.push(
          pending(
            {
              severity: 'degraded',
              object,
              message: c
                ? `${gateway} has not reported on the route's latest change yet (${type} is for generation ${c.observedGeneration} of ${route.metadata.generation})`
                : `${gateway} reports no ${type} condition yet`,
            },
            'the Gateway',
            changed,
          ),
        );
      } else if (c.status !== 'True') {
        reasons.push({
          severity: 'unhealthy',
          object,
          message: explained(`${type} is ${c.status} on ${gateway}`, c),
        });
      }
    }
  }
  return reasons;
}

/**
 * `notReconciled`: the sentence saying that the installed kuadrant-operator never reports on this
 * (token) policy; its silence is then no wait, and the reason says so instead.
 */
function policyReasons(
  policy: AttachedPolicy,
  notReconciled?: string,
): Finding[] {
  const object = `${label(policy.kind, policy.object)} (on the ${
    policy.attachedTo
  })`;
  if (notReconciled)
    return [{ severity: 'degraded', object, message: notReconciled }];
  const changed = changedAt(policy.object);
  const reasons: Finding[] = [];
  const conditions = policy.object.status?.conditions;
  if (
    !condition(conditions, 'Accepted') &&
    !condition(conditions, 'Enforced')
  ) {
    return [
      pending(
        {
          severity: 'degraded',
          object,
          message:
            'Kuadrant has not reported on this policy yet (no Accepted or Enforced condition)',
        },
        'Kuadrant',
        changed,
      ),
    ];
  }
  for (const type of ['Accepted', 'Enforced']) {
    const c = condition(conditions, type);
    if (!c || isStale(c, policy.object)) {
      reasons.push(
        pending(
          {
            severity: 'degraded',
            object,
            message: c
              ? `Kuadrant has not reported on the policy's latest change yet (${type} is for generation ${c.observedGeneration} of ${policy.object.metadata.generation})`
              : `Kuadrant reports no ${type} condition yet`,
          },
          'Kuadrant',
          changed,
        ),
      );
    } else if (c.status !== 'True') {
      const reason: HealthReason = {
        severity: type === 'Accepted' ? 'unhealthy' : 'degraded',
        object,
        message: explained(
          type === 'Accepted' ? 'Not accepted' : 'Not enforced',
          c,
        ),
      };
      // A rejected policy is a mistake; an accepted one not enforced yet is Kuadrant catching up.
      reasons.push(
        type === 'Accepted'
          ? reason
          : pending(reason, 'Kuadrant', c.lastTransitionTime ?? changed),
      );
    }
  }
  return reasons;
}

/**
 * One verdict for a model: unhealthy if anything stops traffic or protection, degraded if
 * something is pending or partial, healthy otherwise. Every reason names its object.
 */
export function computeHealth(options: {
  inferenceService?: InferenceService;
  inferenceServiceName: string;
  route?: HTTPRoute;
  routeName?: string;
  policies: AttachedPolicy[];
  /** The time to judge waits against; now, unless a test says otherwise. */
  now?: Date;
}): HealthVerdict {
  const reasons: Finding[] = [];
  if (!options.inferenceService) {
    reasons.push({
      severity: 'unhealthy',
      object: `InferenceService ${options.inferenceServiceName}`,
      message:
        'Not found in the cluster: it was deleted, or the entity annotation names the wrong object',
    });
  } else {
    reasons.push(...inferenceServiceReasons(options.inferenceService));
  }
  if (!options.route) {
    reasons.push({
      severity: 'unhealthy',
      object: `HTTPRoute ${options.routeName ?? '(none)'}`,
      message: options.routeName
        ? 'Not found in the cluster, so the model is not reachable through the Gateway'
        : 'No HTTPRoute is linked to this model, so it is not reachable through the Gateway',
    });
  } else {
    reasons.push(...routeReasons(options.route));
  }
  if (options.route && !options.policies.some(p => p.kind === 'AuthPolicy')) {
    reasons.push({
      severity: 'unhealthy',
      object: label('HTTPRoute', options.route),
      message:
        'No AuthPolicy applies to the route or its Gateway: the model is not protected',
    });
  }
  const notReconciled = tokenPoliciesNotReconciled(options.policies);
  options.policies.forEach(p =>
    reasons.push(...policyReasons(p, notReconciled.get(p.object))),
  );
  const waiting = waitingControllers(reasons, options.now ?? new Date());
  const verdict = reasons.map(({ since: _since, ...reason }) => reason);
  return waiting
    ? { state: 'degraded', reasons: verdict, ...waiting }
    : { state: stateOf(verdict), reasons: verdict };
}

/** Unhealthy if any reason is; degraded if there are only lesser reasons; healthy with none. */
function stateOf(reasons: HealthReason[]): HealthVerdict['state'] {
  if (reasons.some(r => r.severity === 'unhealthy')) return 'unhealthy';
  if (reasons.length > 0) return 'degraded';
  return 'healthy';
}
