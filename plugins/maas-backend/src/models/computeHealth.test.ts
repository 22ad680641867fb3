import { HTTPRoute } from '@maas-portal/plugin-maas-node';
import { computeHealth } from './computeHealth';

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
    policies: [
      {
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
      },
    ],
  }).reasons.filter(reason => reason.object.startsWith('HTTPRoute'));

describe('computeHealth: the route verdict comes from the gateway controller', () => {
  const gatewayEntry = (accepted: 'True' | 'False') => ({
    parentRef,
    controllerName: 'istio.io/gateway-controller',
    conditions: [
      condition('Accepted', accepted),
      condition('ResolvedRefs', 'True'),
    ],
  });

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
