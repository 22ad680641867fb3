import {
  authorinoStatus,
  gatewayClassStatus,
  gatewayStatus,
  httpRouteStatus,
  limitadorStatus,
} from './dataPlaneStatus.ts';
import type { KubeObject } from './kubeObjects.ts';
import { GATEWAY_REF } from '../testing/fixtures.ts';

const NOW = '2026-01-01T00:00:00Z';
const LATER = '2026-01-01T00:05:00Z';

const istioClass: KubeObject = {
  metadata: { name: 'istio', generation: 1 },
  spec: { controllerName: 'istio.io/gateway-controller' },
};
const gateway: KubeObject = {
  metadata: { name: 'inference-gateway', namespace: 'llm', generation: 2 },
  spec: {
    gatewayClassName: 'istio',
    listeners: [
      { name: 'http', port: 80, protocol: 'HTTP', hostname: '*.maas.local' },
    ],
  },
};
const route = (parentRefs: unknown[]): KubeObject => ({
  metadata: { name: 'qwen3-domain-route', namespace: 'llm', generation: 1 },
  spec: { parentRefs },
});

/** What the API server returns after a status write: the same status, read back. */
const written = (obj: KubeObject, status: unknown): KubeObject => ({
  ...obj,
  status: JSON.parse(JSON.stringify(status)),
});

describe('the statuses the harness writes in place of a data plane', () => {
  it('accepts only GatewayClasses of the Istio controller, once', () => {
    const other = { ...istioClass, spec: { controllerName: 'example.com/gw' } };
    expect(gatewayClassStatus(other, NOW)).toBeUndefined();
    const status = gatewayClassStatus(istioClass, NOW);
    expect(status).toEqual({
      conditions: [
        expect.objectContaining({
          type: 'Accepted',
          status: 'True',
          observedGeneration: 1,
        }),
      ],
    });
    expect(
      gatewayClassStatus(written(istioClass, status), LATER),
    ).toBeUndefined();
  });

  it('programs every listener of an Istio-class Gateway and counts the routes attached to it', () => {
    const routes = [
      route([{ name: 'inference-gateway', namespace: 'llm' }]),
      route([{ name: 'inference-gateway', sectionName: 'other' }]),
      route([{ name: 'elsewhere' }]),
    ];
    const status = gatewayStatus(
      gateway,
      new Set(['istio']),
      routes,
      NOW,
    ) as any;
    expect(status.conditions.map((c: any) => [c.type, c.status])).toEqual([
      ['Accepted', 'True'],
      ['Programmed', 'True'],
    ]);
    expect(status.listeners).toEqual([
      expect.objectContaining({
        name: 'http',
        attachedRoutes: 1,
        supportedKinds: [
          { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' },
        ],
      }),
    ]);
    expect(status.listeners[0].conditions.map((c: any) => c.type)).toEqual([
      'Accepted',
      'Programmed',
      'ResolvedRefs',
    ]);
    expect(
      gatewayStatus(
        written(gateway, status),
        new Set(['istio']),
        routes,
        LATER,
      ),
    ).toBeUndefined();
    expect(
      gatewayStatus(gateway, new Set(['other']), routes, NOW),
    ).toBeUndefined();
  });

  it('keeps the Gateway conditions kuadrant-operator added when it reports a new generation', () => {
    const affected = {
      type: 'kuadrant.io/AuthPolicyAffected',
      status: 'True' as const,
      reason: 'Accepted',
      message: 'Object affected by AuthPolicy [llm/gateway-auth-policy]',
      lastTransitionTime: NOW,
      observedGeneration: 2,
    };
    const withPolicy = { ...gateway, status: { conditions: [affected] } };
    const status = gatewayStatus(
      withPolicy,
      new Set(['istio']),
      [],
      LATER,
    ) as any;
    expect(status.conditions.map((c: any) => c.type)).toEqual([
      'Accepted',
      'Programmed',
      'kuadrant.io/AuthPolicyAffected',
    ]);
    expect(status.conditions[2]).toEqual(affected);
  });

  it('accepts an HTTPRoute for each parentRef to an Istio Gateway, the parentRef copied verbatim', () => {
    const ref = { name: 'inference-gateway', namespace: 'llm' };
    const r = route([ref, { name: 'not-ours', namespace: 'llm' }]);
    const status = httpRouteStatus(r, [gateway], NOW) as any;
    expect(status.parents).toHaveLength(1);
    expect(status.parents[0].parentRef).toBe(ref);
    expect(status.parents[0].controllerName).toBe(
      'istio.io/gateway-controller',
    );
    expect(
      status.parents[0].conditions.find((c: any) => c.type === 'Accepted')
        .status,
    ).toBe('True');
    expect(
      httpRouteStatus(written(r, status), [gateway], LATER),
    ).toBeUndefined();
    expect(
      httpRouteStatus(route([{ name: 'x' }]), [gateway], NOW),
    ).toBeUndefined();
  });

  it("keeps a report the Istio controller's part already made for this generation, even a failing one", () => {
    // As a test that plays a broken gateway writes it: its own spelling of the parentRef, no observedGeneration.
    const failing = {
      parentRef: GATEWAY_REF,
      controllerName: 'istio.io/gateway-controller',
      conditions: [
        {
          type: 'Accepted',
          status: 'False',
          reason: 'NotAllowedByListeners',
          message: 'hostname does not match any listener',
          lastTransitionTime: NOW,
        },
      ],
    };
    const r = {
      ...route([{ name: 'inference-gateway' }]),
      status: { parents: [failing] },
    };
    expect(httpRouteStatus(r, [gateway], LATER)).toBeUndefined();

    // A new generation (the spec changed) is reported afresh.
    const edited = { ...r, metadata: { ...r.metadata, generation: 2 } };
    const stale = {
      ...edited,
      status: {
        parents: [
          {
            ...failing,
            conditions: [{ ...failing.conditions[0], observedGeneration: 1 }],
          },
        ],
      },
    };
    const status = httpRouteStatus(stale, [gateway], LATER) as any;
    expect(status.parents).toHaveLength(1);
    expect(status.parents[0].conditions[0]).toMatchObject({
      type: 'Accepted',
      status: 'True',
      observedGeneration: 2,
    });
  });

  it('keeps a Gateway, Authorino or Limitador report made for the current generation', () => {
    const programmedFalse = {
      type: 'Programmed',
      status: 'False',
      reason: 'Invalid',
      message: '',
      lastTransitionTime: NOW,
    };
    const notProgrammed = {
      ...gateway,
      status: {
        conditions: [programmedFalse],
        listeners: [
          {
            name: 'http',
            conditions: [programmedFalse],
          },
        ],
      },
    };
    expect(
      gatewayStatus(notProgrammed, new Set(['istio']), [], LATER),
    ).toBeUndefined();
    const authorinoDown: KubeObject = {
      metadata: { name: 'authorino', namespace: 'kuadrant-system' },
      status: {
        conditions: [
          {
            type: 'Ready',
            status: 'False',
            reason: 'Deploying',
            message: '',
            lastTransitionTime: NOW,
          },
        ],
      },
    };
    expect(authorinoStatus(authorinoDown, LATER)).toBeUndefined();
    const limitadorDown: KubeObject = {
      metadata: {
        name: 'limitador',
        namespace: 'kuadrant-system',
        generation: 3,
      },
      status: {
        observedGeneration: 3,
        service: { host: 'x', ports: { http: 1, grpc: 2 } },
        conditions: [
          {
            type: 'Ready',
            status: 'False',
            reason: 'Down',
            message: '',
            lastTransitionTime: NOW,
            observedGeneration: 3,
          },
        ],
      },
    };
    expect(limitadorStatus(limitadorDown, LATER)).toBeUndefined();
  });

  it('keeps the parents other controllers reported', () => {
    const foreign = {
      parentRef: { name: 'x' },
      controllerName: 'example.com/gw',
      conditions: [],
    };
    const r = {
      ...route([{ name: 'inference-gateway' }]),
      status: { parents: [foreign] },
    };
    const status = httpRouteStatus(r, [gateway], NOW) as any;
    expect(status.parents).toHaveLength(2);
    expect(status.parents[0].controllerName).toBe(
      'istio.io/gateway-controller',
    );
    expect(status.parents[1]).toEqual(foreign);
  });

  it('reports Authorino Ready once', () => {
    const a: KubeObject = {
      metadata: { name: 'authorino', namespace: 'kuadrant-system' },
    };
    const status = authorinoStatus(a, NOW) as any;
    expect(status.conditions).toEqual([
      expect.objectContaining({ type: 'Ready', status: 'True' }),
    ]);
    expect(authorinoStatus(written(a, status), LATER)).toBeUndefined();
  });

  it('reports Limitador Ready with its Service again after each change of its limits', () => {
    const l: KubeObject = {
      metadata: {
        name: 'limitador',
        namespace: 'kuadrant-system',
        generation: 1,
      },
      spec: { limits: [] },
    };
    const first = limitadorStatus(l, NOW) as any;
    expect(first.service).toEqual({
      host: 'limitador-limitador.kuadrant-system.svc.cluster.local',
      ports: { http: 8080, grpc: 8081 },
    });
    expect(first.observedGeneration).toBe(1);
    const ready = written(l, first);
    expect(limitadorStatus(ready, LATER)).toBeUndefined();

    const changed = {
      ...ready,
      metadata: { ...ready.metadata, generation: 2 },
    };
    const second = limitadorStatus(changed, LATER) as any;
    expect(second.observedGeneration).toBe(2);
    // Still Ready since the first report: the transition time stays.
    expect(second.conditions[0].lastTransitionTime).toBe(NOW);
  });
});
