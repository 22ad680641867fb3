/*
 * The harness's API server, through @kubernetes/client-node: every MaaS CRD kind can be created, read, listed,
 * watched and server-side applied; schemas are enforced (422); RBAC denies the limited user (403).
 */
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  Watch,
} from '@kubernetes/client-node';
import type { KubernetesObject } from '@kubernetes/client-node';
import crypto from 'node:crypto';
import {
  apiRefusal,
  eventually,
  GATEWAY_REF,
  grantLimitedUser,
  harnessEnv,
  harnessKubeConfig,
  httpGatewaySpec,
  vllmInferenceServiceSpec,
} from './testing/index.ts';

jest.setTimeout(60_000);

interface KindCase {
  kind: string;
  group: string;
  version: string;
  plural: string;
  spec: Record<string, unknown>;
  /** A changed spec for the apply step, and where to read the change back. */
  applySpec: Record<string, unknown>;
  read: (o: any) => unknown;
  expected: unknown;
}

/** A (Token)RateLimitPolicy spec with one limit for the free tier, counted per user. */
function freeTierLimit(name: string, limit: number, window: string) {
  return {
    targetRef: GATEWAY_REF,
    limits: {
      [name]: {
        rates: [{ limit, window }],
        when: [
          {
            predicate: 'auth.identity.groups.split(",").exists(g, g == "free")',
          },
        ],
        counters: [{ expression: 'auth.identity.userid' }],
      },
    },
  };
}

/** Specs of each kind, with the one value the apply step changes as a parameter. */
const vllmRuntime = (image: string) => ({
  supportedModelFormats: [{ name: 'vLLM', autoSelect: true }],
  containers: [
    {
      name: 'kserve-container',
      image,
      args: ['--port=8080', '--model=/mnt/models'],
    },
  ],
});
const qwenRoute = (hostname: string) => ({
  parentRefs: [{ name: 'inference-gateway' }],
  hostnames: [hostname],
  rules: [
    {
      matches: [{ path: { type: 'PathPrefix', value: '/' } }],
      backendRefs: [{ name: 'qwen3-predictor', port: 80 }],
    },
  ],
});
const apiKeyAuth = (app: string) => ({
  targetRef: GATEWAY_REF,
  rules: {
    authentication: {
      'api-key-users': {
        apiKey: { allNamespaces: true, selector: { matchLabels: { app } } },
        credentials: { authorizationHeader: { prefix: 'APIKEY' } },
      },
    },
  },
});
const userLabels = (labels: Record<string, string>) => ({
  targetRef: GATEWAY_REF,
  metrics: { default: { labels } },
});

const KINDS: KindCase[] = [
  {
    kind: 'InferenceService',
    group: 'serving.kserve.io',
    version: 'v1beta1',
    plural: 'inferenceservices',
    spec: vllmInferenceServiceSpec('hf://Qwen/Qwen3-0.6B'),
    applySpec: vllmInferenceServiceSpec('hf://Qwen/Qwen3-1.7B'),
    read: o => o.spec.predictor.model.storageUri,
    expected: 'hf://Qwen/Qwen3-1.7B',
  },
  {
    kind: 'ServingRuntime',
    group: 'serving.kserve.io',
    version: 'v1alpha1',
    plural: 'servingruntimes',
    spec: vllmRuntime('vllm/vllm-openai:latest'),
    applySpec: vllmRuntime('vllm/vllm-openai:v0.9.0'),
    read: o => o.spec.containers[0].image,
    expected: 'vllm/vllm-openai:v0.9.0',
  },
  {
    kind: 'Gateway',
    group: 'gateway.networking.k8s.io',
    version: 'v1',
    plural: 'gateways',
    spec: httpGatewaySpec(80),
    applySpec: httpGatewaySpec(8080),
    read: o => o.spec.listeners[0].port,
    expected: 8080,
  },
  {
    kind: 'HTTPRoute',
    group: 'gateway.networking.k8s.io',
    version: 'v1',
    plural: 'httproutes',
    spec: qwenRoute('qwen3.maas.local'),
    applySpec: qwenRoute('qwen3-b.maas.local'),
    read: o => o.spec.hostnames[0],
    expected: 'qwen3-b.maas.local',
  },
  {
    kind: 'AuthPolicy',
    group: 'kuadrant.io',
    version: 'v1',
    plural: 'authpolicies',
    spec: apiKeyAuth('llm-gateway'),
    applySpec: apiKeyAuth('llm-gateway-v2'),
    read: o =>
      o.spec.rules.authentication['api-key-users'].apiKey.selector.matchLabels
        .app,
    expected: 'llm-gateway-v2',
  },
  {
    kind: 'RateLimitPolicy',
    group: 'kuadrant.io',
    version: 'v1',
    plural: 'ratelimitpolicies',
    spec: freeTierLimit('free-user-requests', 5, '2m'),
    applySpec: freeTierLimit('free-user-requests', 10, '24h'),
    read: o => o.spec.limits['free-user-requests'].rates[0].window,
    expected: '24h',
  },
  {
    kind: 'TokenRateLimitPolicy',
    group: 'kuadrant.io',
    version: 'v1alpha1',
    plural: 'tokenratelimitpolicies',
    spec: freeTierLimit('free-user-tokens', 10000, '1m'),
    applySpec: freeTierLimit('free-user-tokens', 20000, '1m'),
    read: o => o.spec.limits['free-user-tokens'].rates[0].limit,
    expected: 20000,
  },
  {
    kind: 'TelemetryPolicy',
    group: 'extensions.kuadrant.io',
    version: 'v1alpha1',
    plural: 'telemetrypolicies',
    spec: userLabels({ user: 'auth.identity.userid' }),
    applySpec: userLabels({
      user: 'auth.identity.userid',
      group: 'auth.identity.groups',
    }),
    read: o => o.spec.metrics.default.labels.group,
    expected: 'auth.identity.groups',
  },
];

/** Creates a RateLimitPolicy `name` in `namespace` through `api` (the admin's or the limited user's). */
const createRateLimitPolicy = (
  api: CustomObjectsApi,
  namespace: string,
  name: string,
  spec: Record<string, unknown>,
) =>
  api.createNamespacedCustomObject({
    group: 'kuadrant.io',
    version: 'v1',
    namespace,
    plural: 'ratelimitpolicies',
    body: {
      apiVersion: 'kuadrant.io/v1',
      kind: 'RateLimitPolicy',
      metadata: { name },
      spec,
    },
  });

describe('harness API server', () => {
  let admin: KubeConfig;
  let limited: KubeConfig;
  let custom: CustomObjectsApi;
  let objects: KubernetesObjectApi;
  let core: CoreV1Api;
  const namespace = `harness-test-${crypto.randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    admin = harnessKubeConfig();
    limited = harnessKubeConfig('MAAS_HARNESS_LIMITED_KUBECONFIG');
    custom = admin.makeApiClient(CustomObjectsApi);
    objects = KubernetesObjectApi.makeApiClient(admin);
    core = admin.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
  });

  it('has the namespace llm', async () => {
    const ns = await core.readNamespace({ name: 'llm' });
    expect(ns.status?.phase).toBe('Active');
  });

  describe.each(KINDS)('$kind ($group/$version)', k => {
    const apiVersion = `${k.group}/${k.version}`;
    const name = `harness-${k.plural}`;
    const ref = {
      group: k.group,
      version: k.version,
      namespace,
      plural: k.plural,
    };

    it('is created, read and listed', async () => {
      const created: any = await custom.createNamespacedCustomObject({
        ...ref,
        body: {
          apiVersion,
          kind: k.kind,
          metadata: { name, labels: { 'harness-test': k.plural } },
          spec: k.spec,
        },
      });
      expect(created.metadata.uid).toBeTruthy();
      const got: any = await custom.getNamespacedCustomObject({ ...ref, name });
      expect(got.metadata.uid).toBe(created.metadata.uid);
      expect(got.spec).toMatchObject(k.spec);
      const list: any = await custom.listNamespacedCustomObject({
        ...ref,
        labelSelector: `harness-test=${k.plural}`,
      });
      expect(list.items.map((o: any) => o.metadata.name)).toEqual([name]);
    });

    it('is watched and server-side applied', async () => {
      const list: any = await custom.listNamespacedCustomObject({ ...ref });
      const events: Array<{ type: string; obj: any }> = [];
      let watchError: unknown;
      const controller = await new Watch(admin).watch(
        `/apis/${k.group}/${k.version}/namespaces/${namespace}/${k.plural}`,
        {
          resourceVersion: list.metadata.resourceVersion,
          fieldSelector: `metadata.name=${name}`,
        },
        (type, obj) => events.push({ type, obj }),
        err => {
          watchError = err;
        },
      );
      try {
        const applied = await objects.patch(
          {
            apiVersion,
            kind: k.kind,
            metadata: { name, namespace },
            spec: k.applySpec,
          } as KubernetesObject,
          undefined,
          undefined,
          'maas-harness-test',
          true,
          PatchStrategy.ServerSideApply,
        );
        expect(k.read(applied)).toEqual(k.expected);
        const managers = (applied.metadata?.managedFields ?? []).map(
          f => `${f.manager}/${f.operation}`,
        );
        expect(managers).toContain('maas-harness-test/Apply');
        const event = await eventually(async () => {
          const e = events.find(
            x => x.type === 'MODIFIED' && k.read(x.obj) === k.expected,
          );
          if (!e)
            throw new Error(
              `no MODIFIED event yet (events: ${events
                .map(x => x.type)
                .join(',')}, error: ${watchError})`,
            );
          return e;
        }, 10_000);
        expect(event.obj.metadata.name).toBe(name);
      } finally {
        controller.abort();
      }
      // Apply also creates (upsert), with application/apply-patch+yaml.
      const second = await objects.patch(
        {
          apiVersion,
          kind: k.kind,
          metadata: { name: `${name}-applied`, namespace },
          spec: k.spec,
        } as KubernetesObject,
        undefined,
        undefined,
        'maas-harness-test',
        false,
        PatchStrategy.ServerSideApply,
      );
      expect(second.metadata?.uid).toBeTruthy();
    });
  });

  it('reports a server-side apply conflict between field managers (409), which force resolves', async () => {
    const rlp = (limit: number) =>
      ({
        apiVersion: 'kuadrant.io/v1',
        kind: 'RateLimitPolicy',
        metadata: { name: 'harness-ratelimitpolicies', namespace },
        spec: freeTierLimit('free-user-requests', limit, '24h'),
      } as KubernetesObject);
    const conflict = await apiRefusal(
      objects.patch(
        rlp(99),
        undefined,
        undefined,
        'another-manager',
        false,
        PatchStrategy.ServerSideApply,
      ),
    );
    expect(conflict.code).toBe(409);
    expect(conflict.message).toMatch(/conflict/i);
    const forced: any = await objects.patch(
      rlp(99),
      undefined,
      undefined,
      'another-manager',
      true,
      PatchStrategy.ServerSideApply,
    );
    expect(forced.spec.limits['free-user-requests'].rates[0].limit).toBe(99);
  });

  it('rejects an object that breaks its schema (RateLimitPolicy window 1d -> 422)', async () => {
    const bad = await apiRefusal(
      createRateLimitPolicy(custom, namespace, 'harness-bad-window', {
        targetRef: GATEWAY_REF,
        limits: { daily: { rates: [{ limit: 100, window: '1d' }] } },
      }),
    );
    expect(bad.code).toBe(422);
    expect(bad.message).toContain('"harness-bad-window" is invalid');
    expect(bad.message).toContain('window');
    expect(bad.message).toContain('"1d"');
    expect(bad.message).toMatch(/should match/);
  });

  it('denies the limited user (403) until a Role grants it access', async () => {
    const limitedUser = harnessEnv('MAAS_HARNESS_LIMITED_USER');
    const limitedCustom = limited.makeApiClient(CustomObjectsApi);
    const list = () =>
      limitedCustom.listNamespacedCustomObject({
        group: 'kuadrant.io',
        version: 'v1',
        namespace,
        plural: 'ratelimitpolicies',
      });
    const denied = await apiRefusal(list());
    expect(denied.code).toBe(403);
    expect(denied.message).toContain(
      `User "${limitedUser}" cannot list resource "ratelimitpolicies"`,
    );
    const secrets = await apiRefusal(
      limited
        .makeApiClient(CoreV1Api)
        .listNamespacedSecret({ namespace: 'llm' }),
    );
    expect(secrets.code).toBe(403);

    await grantLimitedUser(
      admin,
      namespace,
      [
        {
          apiGroups: ['kuadrant.io'],
          resources: ['ratelimitpolicies'],
          verbs: ['get', 'list', 'watch'],
        },
      ],
      'policy-reader',
    );
    const granted: any = await eventually(list, 15_000);
    expect(granted.items.map((o: any) => o.metadata.name)).toContain(
      'harness-ratelimitpolicies',
    );
    const create = await apiRefusal(
      createRateLimitPolicy(limitedCustom, namespace, 'nope', {
        targetRef: GATEWAY_REF,
      }),
    );
    expect(create.code).toBe(403);
  });

  it('deletes a namespace completely (kube-controller-manager runs)', async () => {
    await core.deleteNamespace({ name: namespace });
    await eventually(async () => {
      const gone = await apiRefusal(core.readNamespace({ name: namespace }));
      expect(gone.code).toBe(404);
    }, 45_000);
  });
});
