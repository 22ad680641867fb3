import { HTTPRoute } from '@maas-portal/plugin-maas-node';
import { computeHealth, WAITING_GRACE_SECONDS } from './computeHealth';

const parentRef = { name: 'inference-gateway', namespace: 'llm' };
const condition = (type: string, status: 'True' | 'False') => ({
  type,
  status,
  reason: type,
  message: `${type} ${status}`,
});

// kuadrant-operator writes its own entry for the route's parent, with only *PolicyAffected
// conditions; on a real cluster it may come before the gateway controller's entry.
const policyControllerEntry = {
  parentRef,
  controllerName: 'kuadrant.io/policy-controller',
  conditions: [condition('kuadrant.io/AuthPolicyAffected', 'True')],
};

/** The gateway controller's entry for the route's parent. */
const gatewayEntry = (accepted: 'True' | 'False') => ({
  parentRef,
  controllerName: 'istio.io/gateway-controller',
  conditions: [
    condition('Accepted', accepted),
    condition('ResolvedRefs', 'True'),
  ],
});

/** The route's AuthPolicy, accepted and enforced. */
const enforcedAuthPolicy: Parameters<
  typeof computeHealth
>[0]['policies'][number] = {
  kind: 'AuthPolicy',
  attachedTo: 'route',
  object: {
    metadata: { name: 'm-auth', namespace: 'llm' },
    status: {
      conditions: [
        condition('Accepted', 'True'),
        condition('Enforced', 'True'),
      ],
    },
  },
};

function route(
  parents: NonNullable<HTTPRoute['status']>['parents'],
): HTTPRoute {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'm-route', namespace: 'llm' },
    spec: { parentRefs: [parentRef] },
    status: { parents },
  } as HTTPRoute;
}

const routeReasons = (r: HTTPRoute) =>
  computeHealth({
    inferenceServiceName: 'm',
    route: r,
    routeName: 'm-route',
    policies: [enforcedAuthPolicy],
  }).reasons.filter(reason => reason.object.startsWith('HTTPRoute'));

describe('computeHealth: the route verdict comes from the gateway controller', () => {
  it('ignores a policy controller entry listed before the gateway entry', () => {
    expect(
      routeReasons(route([policyControllerEntry, gatewayEntry('True')])),
    ).toEqual([]);
  });

  it('still reports a route the gateway did not accept', () => {
    const reasons = routeReasons(
      route([policyControllerEntry, gatewayEntry('False')]),
    );
    expect(reasons.map(r => r.severity)).toContain('unhealthy');
  });

  it('says the gateway has not reported when only a policy controller has', () => {
    const reasons = routeReasons(route([policyControllerEntry]));
    expect(reasons).toHaveLength(1);
    expect(reasons[0].message).toMatch(/has not accepted the route yet/);
  });
});

describe('computeHealth: a model created moments ago is waiting, not degraded', () => {
  const created = '2026-11-30T12:00:00Z';
  const seconds = (n: number) => new Date(Date.parse(created) + n * 1000);
  /** The InferenceService, created at `created`, with its Ready condition and model state. */
  const youngIsvc = (ready: object, activeModelState: string) =>
    ({
      metadata: { name: 'm', namespace: 'llm', creationTimestamp: created },
      status: {
        conditions: [ready],
        modelStatus: { states: { activeModelState } },
      },
    } as any);
  // What the cluster holds seconds after the portal applied a model: no controller has written
  // a status yet.
  const fresh = (now: Date) =>
    computeHealth({
      inferenceServiceName: 'llm/m',
      inferenceService: {
        apiVersion: 'serving.kserve.io/v1beta1',
        kind: 'InferenceService',
        metadata: { name: 'm', namespace: 'llm', creationTimestamp: created },
      } as any,
      route: {
        ...route([]),
        metadata: {
          name: 'm-route',
          namespace: 'llm',
          creationTimestamp: created,
        },
      } as unknown as HTTPRoute,
      routeName: 'llm/m-route',
      policies: [
        {
          kind: 'AuthPolicy',
          attachedTo: 'route',
          object: {
            metadata: {
              name: 'm-auth',
              namespace: 'llm',
              creationTimestamp: created,
            },
          } as any,
        },
      ],
      now,
    });

  it('names KServe, the Gateway and Kuadrant, in that order, within the grace period', () => {
    const verdict = fresh(seconds(5));
    expect(verdict.state).toBe('degraded');
    expect(verdict.waitingFor).toEqual(['KServe', 'the Gateway', 'Kuadrant']);
    expect(verdict.reasons.map(r => r.waitingFor)).toEqual([
      'KServe',
      'the Gateway',
      'Kuadrant',
    ]);
    expect(verdict.reasons[0]).not.toHaveProperty('since');
    expect(verdict.waitingSince).toBe('2026-11-30T12:00:00.000Z');
  });

  it('calls the same silence degraded once the grace period is over', () => {
    const verdict = fresh(seconds(WAITING_GRACE_SECONDS + 1));
    expect(verdict.state).toBe('degraded');
    expect(verdict.waitingFor).toBeUndefined();
  });

  it('is not waiting when one object reports a failure', () => {
    const verdict = computeHealth({
      inferenceServiceName: 'llm/m',
      inferenceService: youngIsvc(condition('Ready', 'False'), 'FailedToLoad'),
      routeName: 'llm/m-route',
      policies: [],
      now: seconds(5),
    });
    expect(verdict.state).toBe('unhealthy');
    expect(verdict.waitingFor).toBeUndefined();
  });

  it('counts a young Ready=False while the model loads as waiting for KServe', () => {
    const verdict = computeHealth({
      inferenceServiceName: 'llm/m',
      inferenceService: youngIsvc(
        { ...condition('Ready', 'False'), lastTransitionTime: created },
        'Loading',
      ),
      route: {
        ...route([gatewayEntry('True')]),
      },
      routeName: 'llm/m-route',
      policies: [enforcedAuthPolicy],
      now: seconds(30),
    });
    expect(verdict.waitingFor).toEqual(['KServe']);
    expect(verdict.state).toBe('degraded');
  });
});

describe('computeHealth: a change the controllers have not caught up with is waiting', () => {
  const created = '2026-11-01T00:00:00Z';
  const changed = '2026-11-30T12:00:00Z';
  const at = (n: number) => new Date(Date.parse(changed) + n * 1000);
  /** The AuthPolicy at generation 3, applied at `changed`; its conditions are for `observed`. */
  const changedPolicy = (
    observed: number,
    status: 'True' | 'False' = 'True',
  ) => ({
    kind: 'AuthPolicy',
    attachedTo: 'route' as const,
    object: {
      metadata: {
        name: 'm-auth',
        namespace: 'llm',
        creationTimestamp: created,
        generation: 3,
        managedFields: [
          { manager: 'maas-backstage', operation: 'Apply', time: changed },
          {
            manager: 'kuadrant-operator',
            operation: 'Update',
            subresource: 'status',
            time: at(30).toISOString(),
          },
        ],
      },
      status: {
        conditions: [
          { ...condition('Accepted', status), observedGeneration: observed },
          { ...condition('Enforced', status), observedGeneration: observed },
        ],
      },
    } as any,
  });
  const verdict = (observed: number, now: Date, status?: 'True' | 'False') =>
    computeHealth({
      inferenceServiceName: 'llm/m',
      inferenceService: {
        metadata: { name: 'm', namespace: 'llm', creationTimestamp: created },
        status: {
          conditions: [condition('Ready', 'True')],
          modelStatus: { states: { activeModelState: 'Loaded' } },
        },
      } as any,
      route: route([gatewayEntry('True')]),
      routeName: 'llm/m-route',
      policies: [changedPolicy(observed, status)],
      now,
    });

  it('waits for Kuadrant since the spec change (not the status write), while its conditions are for an older generation', () => {
    const v = verdict(2, at(60));
    expect(v.state).toBe('degraded');
    expect(v.waitingFor).toEqual(['Kuadrant']);
    expect(v.waitingSince).toBe('2026-11-30T12:00:00.000Z');
    expect(v.reasons.map(r => r.message)).toEqual([
      "Kuadrant has not reported on the policy's latest change yet (Accepted is for generation 2 of 3)",
      "Kuadrant has not reported on the policy's latest change yet (Enforced is for generation 2 of 3)",
    ]);
  });

  it('takes an older rejection for stale too: Kuadrant has not judged the change yet', () => {
    expect(verdict(2, at(60), 'False').waitingFor).toEqual(['Kuadrant']);
  });

  it('is healthy once the conditions are for the current generation', () => {
    expect(verdict(3, at(60))).toEqual({ state: 'healthy', reasons: [] });
  });

  it('reads the current rejection as unhealthy', () => {
    const v = verdict(3, at(60), 'False');
    expect(v.state).toBe('unhealthy');
    expect(v.waitingFor).toBeUndefined();
  });

  it('stops waiting once the change is older than the grace period', () => {
    const v = verdict(2, at(WAITING_GRACE_SECONDS + 1));
    expect(v.state).toBe('degraded');
    expect(v.waitingFor).toBeUndefined();
  });
});

describe('computeHealth: a TokenRateLimitPolicy the installed kuadrant-operator does not reconcile', () => {
  const created = '2026-11-30T12:00:00Z';
  const at = (n: number) => new Date(Date.parse(created) + n * 1000);
  const isvc = {
    metadata: { name: 'm', namespace: 'llm', creationTimestamp: created },
    status: {
      conditions: [condition('Ready', 'True')],
      modelStatus: { states: { activeModelState: 'Loaded' } },
    },
  } as any;
  /** A policy reported on by the operator `reportedAfter` seconds after `created`, for its generation 1. */
  const reported = (kind: string, name: string, reportedAfter: number) => ({
    kind,
    attachedTo: 'route' as const,
    object: {
      metadata: {
        name,
        namespace: 'llm',
        generation: 1,
        creationTimestamp: created,
      },
      status: {
        conditions: ['Accepted', 'Enforced'].map(type => ({
          ...condition(type, 'True'),
          observedGeneration: 1,
          lastTransitionTime: at(reportedAfter).toISOString(),
        })),
      },
    } as any,
  });
  const tokenPolicy = (status?: object) => ({
    kind: 'TokenRateLimitPolicy',
    attachedTo: 'route' as const,
    object: {
      metadata: {
        name: 'm-token-limits',
        namespace: 'llm',
        generation: 1,
        creationTimestamp: created,
      },
      ...(status ? { status } : {}),
    } as any,
  });
  const verdict = (policies: any[], now = at(5)) =>
    computeHealth({
      inferenceServiceName: 'llm/m',
      inferenceService: isvc,
      route: route([gatewayEntry('True')]),
      routeName: 'llm/m-route',
      policies,
      now,
    });

  it('says the installed Kuadrant does not enforce token limits, not that it is waiting, when the operator reported on the AuthPolicy and RateLimitPolicy since', () => {
    const v = verdict([
      reported('AuthPolicy', 'm-auth', 2),
      reported('RateLimitPolicy', 'm-rate-limits', 3),
      tokenPolicy(),
    ]);
    expect(v).toEqual({
      state: 'degraded',
      reasons: [
        {
          severity: 'degraded',
          object: 'TokenRateLimitPolicy llm/m-token-limits (on the route)',
          message:
            "kuadrant-operator reports on this model's AuthPolicy and RateLimitPolicy but not on " +
            'TokenRateLimitPolicy llm/m-token-limits: the installed Kuadrant does not enforce token limits ' +
            '(Kuadrant 1.3 or newer does); tokens are not counted',
        },
      ],
    });
  });

  it('names only the kinds the operator reported on', () => {
    const v = verdict([reported('AuthPolicy', 'm-auth', 0), tokenPolicy()]);
    expect(v.reasons.map(r => r.message)).toEqual([
      expect.stringMatching(
        /^kuadrant-operator reports on this model's AuthPolicy but not on TokenRateLimitPolicy llm\/m-token-limits:/,
      ),
    ]);
  });

  it('still waits for Kuadrant when its reports on the other policies are older than the token policy', () => {
    const v = verdict([
      reported('AuthPolicy', 'm-auth', -60),
      reported('RateLimitPolicy', 'm-rate-limits', -60),
      tokenPolicy(),
    ]);
    expect(v.waitingFor).toEqual(['Kuadrant']);
    expect(v.reasons.map(r => r.message)).toEqual([
      'Kuadrant has not reported on this policy yet (no Accepted or Enforced condition)',
    ]);
  });

  it('still waits for Kuadrant when its reports on the other policies are for an older generation', () => {
    const stale = reported('AuthPolicy', 'm-auth', 2);
    stale.object.metadata.generation = 2;
    const v = verdict([stale, tokenPolicy()]);
    expect(v.waitingFor).toEqual(['Kuadrant']);
    expect(v.reasons.map(r => r.message)).not.toContainEqual(
      expect.stringMatching(/does not enforce token limits/),
    );
  });

  it('judges a token policy with conditions as any other policy (a Kuadrant that reconciles it)', () => {
    const enforcedTokens = tokenPolicy({
      conditions: ['Accepted', 'Enforced'].map(type => ({
        ...condition(type, 'True'),
        observedGeneration: 1,
      })),
    });
    expect(
      verdict([reported('AuthPolicy', 'm-auth', 2), enforcedTokens]),
    ).toEqual({ state: 'healthy', reasons: [] });
  });
});
