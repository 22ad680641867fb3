import { mockServices } from '@backstage/backend-test-utils';
import { KubeConfig } from '@kubernetes/client-node';
import { ConfigReader } from '@backstage/config';
import { readMaasConfig } from '../config/MaasConfig';
import { ClusterState } from '../cluster/ClusterState';
import {
  AUTH_POLICY,
  GATEWAY,
  HTTP_ROUTE,
  INFERENCE_SERVICE,
  RATE_LIMIT_POLICY,
  ResourceKind,
  TOKEN_RATE_LIMIT_POLICY,
} from '@maas-portal/plugin-maas-node';
import {
  createTestNamespace,
  deleteTestNamespace,
  eventually,
  GATEWAY_REF,
  harnessKubeConfig,
  httpGatewaySpec,
  vllmInferenceServiceSpec,
} from '@maas-portal/harness/testing';
import {
  condition,
  createObject,
  readyInferenceServiceStatus,
  writeStatus,
} from '../__testUtils__/harness';
import { ModelService } from './ModelService';

const groupsPredicate = (tier: string) =>
  `auth.identity.groups.split(",").exists(g, g == "${tier}")`;
const tierLimit = (limit: number, window: string, predicate: string) => ({
  rates: [{ limit, window }],
  when: [{ predicate }],
  counters: [{ expression: 'auth.identity.userid' }],
});

// The first test waits for the watch caches to sync, which takes seconds on a busy machine.
jest.setTimeout(60_000);

describe('ModelService against the real API server', () => {
  let kc: KubeConfig;
  let ns: string;
  let state: ClusterState;
  let service: ModelService;
  const healthyPolicy = {
    conditions: [condition('Accepted'), condition('Enforced')],
  };
  const healthyIsvc = readyInferenceServiceStatus('http://qwen3.llm.svc');
  const routeStatus = (accepted = 'True', resolved = 'True') => ({
    parents: [
      {
        parentRef: GATEWAY_REF,
        controllerName: 'istio.io/gateway-controller',
        conditions: [
          condition(
            'Accepted',
            accepted,
            accepted === 'True' ? 'Accepted' : 'NotAllowedByListeners',
            accepted === 'True'
              ? 'Route was valid'
              : 'hostname does not match any listener',
          ),
          condition(
            'ResolvedRefs',
            resolved,
            resolved === 'True' ? 'ResolvedRefs' : 'BackendNotFound',
            resolved === 'True'
              ? 'All references resolved'
              : 'Service qwen3-predictor not found',
          ),
        ],
      },
    ],
  });

  /** The status each kind is written back to after a test breaks it. */
  const healthyStatusOf = (kind: ResourceKind) => {
    if (kind === INFERENCE_SERVICE) return healthyIsvc;
    if (kind === HTTP_ROUTE) return routeStatus();
    return healthyPolicy;
  };

  beforeAll(async () => {
    kc = harnessKubeConfig();
    ns = await createTestNamespace(kc, 'models');
    const meta = (name: string) => ({ name, namespace: ns });
    /** Creates an object of `kind`, its apiVersion and kind filled in from the kind table. */
    const seed = (
      kind: ResourceKind,
      body: { metadata: object; spec: object },
    ) =>
      createObject(kc, kind, {
        apiVersion: `${kind.group}/${kind.version}`,
        kind: kind.kind,
        ...body,
      });
    /** A gateway-level (Token)RateLimitPolicy with `limits`, its status healthy. */
    const seedGatewayLimits = async (
      kind: ResourceKind,
      name: string,
      limits: object,
    ) => {
      await seed(kind, {
        metadata: meta(name),
        spec: { targetRef: GATEWAY_REF, limits },
      });
      await writeStatus(kc, kind, ns, name, healthyPolicy);
    };
    await seed(GATEWAY, {
      metadata: meta('inference-gateway'),
      spec: httpGatewaySpec(),
    });
    for (const [name, isvcName] of [
      ['qwen3-route', 'qwen3'],
      ['custom-route', 'custom'],
    ]) {
      await seed(HTTP_ROUTE, {
        metadata: {
          ...meta(name),
          labels: { 'kuadrant.io/gateway': 'inference-gateway' },
        },
        spec: {
          parentRefs: [{ name: 'inference-gateway' }],
          hostnames: [`${isvcName}.maas.local`],
          rules: [
            {
              matches: [{ path: { type: 'PathPrefix', value: '/' } }],
              backendRefs: [{ name: `${isvcName}-predictor`, port: 80 }],
            },
          ],
        },
      });
      await writeStatus(kc, HTTP_ROUTE, ns, name, routeStatus());
      await seed(INFERENCE_SERVICE, {
        metadata: {
          ...meta(isvcName),
          annotations: { 'serving.kserve.io/deploymentMode': 'RawDeployment' },
        },
        spec: vllmInferenceServiceSpec(),
      });
      await writeStatus(kc, INFERENCE_SERVICE, ns, isvcName, healthyIsvc);
      await seed(AUTH_POLICY, {
        metadata: meta(`${isvcName}-auth`),
        spec: {
          targetRef: {
            group: 'gateway.networking.k8s.io',
            kind: 'HTTPRoute',
            name,
          },
          rules: {
            authentication: {
              'api-keys': {
                apiKey: {
                  selector: {
                    matchLabels: { 'maas.kuadrant.io/model': isvcName },
                  },
                },
                credentials: { authorizationHeader: { prefix: 'APIKEY' } },
              },
            },
          },
        },
      });
      await writeStatus(kc, AUTH_POLICY, ns, `${isvcName}-auth`, healthyPolicy);
    }
    // The seed's gateway-level limits.
    await seedGatewayLimits(RATE_LIMIT_POLICY, 'gateway-rate-limits', {
      'free-user-requests': tierLimit(5, '2m', groupsPredicate('free')),
      'premium-user-requests': tierLimit(20, '2m', groupsPredicate('premium')),
      'enterprise-user-requests': tierLimit(
        50,
        '2m',
        groupsPredicate('enterprise'),
      ),
    });
    await seedGatewayLimits(
      TOKEN_RATE_LIMIT_POLICY,
      'gateway-token-rate-limits',
      {
        'free-user-tokens': tierLimit(100000, '1m', groupsPredicate('free')),
        'premium-user-tokens': tierLimit(
          500000,
          '1m',
          groupsPredicate('premium'),
        ),
      },
    );
    // The custom route has its own limits, one of them with a predicate of another shape.
    await seed(RATE_LIMIT_POLICY, {
      metadata: meta('custom-limits'),
      spec: {
        targetRef: {
          group: 'gateway.networking.k8s.io',
          kind: 'HTTPRoute',
          name: 'custom-route',
        },
        limits: {
          'gold-requests': tierLimit(7, '30s', 'auth.identity.tier == "gold"'),
          'alice-requests': tierLimit(
            3,
            '1h',
            'auth.identity.userid == "alice"',
          ),
          'everyone-requests': { rates: [{ limit: 1000, window: '1m' }] },
        },
      },
    });
    await writeStatus(
      kc,
      RATE_LIMIT_POLICY,
      ns,
      'custom-limits',
      healthyPolicy,
    );

    const config = readMaasConfig(new ConfigReader({}));
    state = new ClusterState({
      kubeConfig: kc,
      logger: mockServices.logger.mock(),
      timeoutMs: 5000,
    });
    state.start();
    const statuses = await state.ready(15_000);
    const unsynced = statuses.filter(s => s.state !== 'synced');
    if (unsynced.length > 0) {
      throw new Error(
        `The cluster caches did not sync within 15 s: ${unsynced
          .map(s => `${s.kind}:${s.state}`)
          .join(', ')}`,
      );
    }
    service = new ModelService({ config, state });
  }, 60_000);

  afterAll(async () => {
    await state?.stop();
    if (kc && ns) await deleteTestNamespace(kc, ns);
  });

  const qwen3 = () => ({
    inferenceService: { namespace: ns, name: 'qwen3' },
    entityRef: 'component:default/qwen3',
  });

  it('shows a healthy model with its route, policies, URL and examples', async () => {
    const model = await eventually(() => {
      const m = service.getModel(qwen3());
      expect(m.health).toEqual({ state: 'healthy', reasons: [] });
      return m;
    });
    expect(model.route).toEqual({
      namespace: ns,
      name: 'qwen3-route',
      found: true,
      hostnames: ['qwen3.maas.local'],
    });
    expect(model.gateway).toEqual({ namespace: ns, name: 'inference-gateway' });
    expect(model.url).toBe('http://qwen3.maas.local');
    expect(model.authMode).toBe('api-key');
    expect(
      model.policies
        .map(
          p =>
            `${p.kind}/${p.name}@${p.attachedTo}:${p.accepted}/${p.enforced}`,
        )
        .sort(),
    ).toEqual([
      'AuthPolicy/qwen3-auth@route:true/true',
      'RateLimitPolicy/gateway-rate-limits@gateway:true/true',
      'TokenRateLimitPolicy/gateway-token-rate-limits@gateway:true/true',
    ]);
    expect(model.examples?.curl).toContain(
      '-H "Authorization: APIKEY $MAAS_API_KEY"',
    );
    expect(model.examples?.curl).toContain(
      'http://qwen3.maas.local/v1/chat/completions',
    );
    expect(model.warnings).toEqual([]);
    expect(model.cache.ageSeconds).toBe(0);
  });

  it('reads the seed-shaped limits per tier', () => {
    const tiers = service.getTiers(qwen3());
    const summary = tiers.tiers.map(t => ({
      name: t.name,
      configured: t.configured,
      requests: t.requests.map(
        l =>
          `${l.rates[0].limit}/${l.rates[0].window} ${l.source.limitName}@${l.source.attachedTo}`,
      ),
      tokens: t.tokens.map(l => `${l.rates[0].limit}/${l.rates[0].window}`),
    }));
    expect(summary).toEqual([
      {
        name: 'free',
        configured: true,
        requests: ['5/2m free-user-requests@gateway'],
        tokens: ['100000/1m'],
      },
      {
        name: 'premium',
        configured: true,
        requests: ['20/2m premium-user-requests@gateway'],
        tokens: ['500000/1m'],
      },
      {
        name: 'enterprise',
        configured: true,
        requests: ['50/2m enterprise-user-requests@gateway'],
        tokens: [],
      },
    ]);
    expect(tiers.other).toEqual([]);
    expect(tiers.everyone).toEqual([]);
  });

  it('keeps a route policy over the gateway defaults, and shows a custom predicate as it is', () => {
    const tiers = service.getTiers({
      inferenceService: { namespace: ns, name: 'custom' },
    });
    expect(
      tiers.tiers.map(t => [
        t.name,
        t.configured,
        t.requests.map(l => l.rates[0].limit),
      ]),
    ).toEqual([
      ['free', true, []],
      ['premium', true, []],
      ['enterprise', true, []],
      ['gold', false, [7]],
    ]);
    expect(tiers.other.map(l => [l.source.limitName, l.predicates])).toEqual([
      ['alice-requests', ['auth.identity.userid == "alice"']],
    ]);
    expect(tiers.everyone.map(l => l.source.limitName)).toEqual([
      'everyone-requests',
    ]);
    // Tokens still come from the gateway: no route-level TokenRateLimitPolicy.
    expect(
      tiers.tiers
        .find(t => t.name === 'free')!
        .tokens.map(l => l.rates[0].limit),
    ).toEqual([100000]);
  });

  it.each([
    [
      'InferenceService not ready',
      INFERENCE_SERVICE,
      'qwen3',
      {
        ...healthyIsvc,
        conditions: [
          condition(
            'Ready',
            'False',
            'PredictorNotReady',
            'pod is crash-looping',
          ),
        ],
      },
      'unhealthy',
      /Not ready: PredictorNotReady: pod is crash-looping/,
    ],
    [
      'model failed to load',
      INFERENCE_SERVICE,
      'qwen3',
      {
        ...healthyIsvc,
        modelStatus: {
          states: { activeModelState: 'FailedToLoad' },
          lastFailureInfo: {
            reason: 'ModelLoadFailed',
            message: 'out of GPU memory',
          },
        },
      },
      'unhealthy',
      /failed to load: ModelLoadFailed: out of GPU memory/,
    ],
    [
      'model loading',
      INFERENCE_SERVICE,
      'qwen3',
      {
        ...healthyIsvc,
        modelStatus: { states: { activeModelState: 'Loading' } },
      },
      'degraded',
      /The model is loading/,
    ],
    [
      'route not accepted',
      HTTP_ROUTE,
      'qwen3-route',
      routeStatus('False'),
      'unhealthy',
      /Accepted is False on Gateway .*: NotAllowedByListeners: hostname does not match any listener/,
    ],
    [
      'route refs unresolved',
      HTTP_ROUTE,
      'qwen3-route',
      routeStatus('True', 'False'),
      'unhealthy',
      /ResolvedRefs is False .*BackendNotFound: Service qwen3-predictor not found/,
    ],
    [
      'AuthPolicy not accepted',
      AUTH_POLICY,
      'qwen3-auth',
      {
        conditions: [
          condition('Accepted', 'False', 'TargetNotFound', 'route missing'),
          condition('Enforced', 'False', 'Unknown'),
        ],
      },
      'unhealthy',
      /Not accepted: TargetNotFound: route missing/,
    ],
    [
      'RateLimitPolicy not enforced',
      RATE_LIMIT_POLICY,
      'gateway-rate-limits',
      {
        conditions: [
          condition('Accepted'),
          condition('Enforced', 'False', 'Unknown', 'Limitador is not ready'),
        ],
      },
      'degraded',
      /Not enforced: Unknown: Limitador is not ready/,
    ],
  ])('reports %s', async (_case, kind, name, status, expectedState, reason) => {
    const healthy = healthyStatusOf(kind);
    await writeStatus(kc, kind, ns, name, status);
    try {
      await eventually(() => {
        const { health } = service.getModel(qwen3());
        expect(health.state).toBe(expectedState);
        expect(
          health.reasons.map(r => `${r.object}: ${r.message}`).join('\n'),
        ).toMatch(reason);
      });
    } finally {
      await writeStatus(kc, kind, ns, name, healthy);
      await eventually(() =>
        expect(service.getModel(qwen3()).health.state).toBe('healthy'),
      );
    }
  });

  it('says which object is missing', () => {
    const model = service.getModel({
      inferenceService: { namespace: ns, name: 'ghost' },
      route: { namespace: ns, name: 'ghost-route' },
    });
    expect(model.health.state).toBe('unhealthy');
    expect(model.health.reasons.map(r => r.object)).toEqual([
      `InferenceService ${ns}/ghost`,
      `HTTPRoute ${ns}/ghost-route`,
    ]);
  });

  it('lists every model', () => {
    const names = service
      .listModels({ entities: [], everyInferenceService: true })
      .items.filter(m => m.inferenceService.namespace === ns)
      .map(m => m.inferenceService.name);
    expect(names).toEqual(['custom', 'qwen3']);
  });
});
