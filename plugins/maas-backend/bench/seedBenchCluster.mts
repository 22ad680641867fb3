// The cluster the model-endpoints benchmark measures against, written into the harness.
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
} from '@kubernetes/client-node';
// Imported by path: this script runs on plain Node, which cannot resolve the package's own imports.
import { tierPredicate } from '../../maas-node/src/tierPredicate.ts';
import {
  apiKeyAuthentication,
  routeAuthPolicy,
} from '../../../packages/harness/src/testing/fixtures.ts';

async function inBatches<T>(
  items: T[],
  size: number,
  fn: (item: T) => Promise<unknown>,
) {
  for (let i = 0; i < items.length; i += size)
    await Promise.all(items.slice(i, i + size).map(fn));
}

const GW = {
  group: 'gateway.networking.k8s.io',
  kind: 'Gateway',
  name: 'inference-gateway',
};
const tierLimit = (tier: string, limit: number, window: string) => ({
  rates: [{ limit, window }],
  when: [{ predicate: tierPredicate('api-key', tier) }],
  counters: [{ expression: 'auth.identity.userid' }],
});

/**
 * Creates `models` models (InferenceService with its catalog entity, HTTPRoute, AuthPolicy) behind
 * one Gateway with per-tier request and token limits, and `secrets` key Secrets spread over them.
 * @returns the model names
 */
export async function seedBenchCluster(options: {
  kc: KubeConfig;
  namespace: string;
  models: number;
  secrets: number;
}): Promise<string[]> {
  const { kc, namespace: NS, models: MODELS, secrets: SECRETS } = options;
  const custom = kc.makeApiClient(CustomObjectsApi);
  const core = kc.makeApiClient(CoreV1Api);
  const t0 = Date.now();
  const create = (
    group: string,
    version: string,
    plural: string,
    body: object,
  ) =>
    custom.createNamespacedCustomObject({
      group,
      version,
      plural,
      namespace: NS,
      body,
    });
  await create('gateway.networking.k8s.io', 'v1', 'gateways', {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'inference-gateway', namespace: NS },
    spec: {
      gatewayClassName: 'istio',
      listeners: [
        { name: 'http', port: 80, protocol: 'HTTP', hostname: '*.maas.local' },
      ],
    },
  });
  for (const [plural, version, kind, unit] of [
    ['ratelimitpolicies', 'v1', 'RateLimitPolicy', 'requests'],
    ['tokenratelimitpolicies', 'v1alpha1', 'TokenRateLimitPolicy', 'tokens'],
  ] as const) {
    await create('kuadrant.io', version, plural, {
      apiVersion: `kuadrant.io/${version}`,
      kind,
      metadata: { name: `gateway-${unit}`, namespace: NS },
      spec: {
        targetRef: GW,
        limits: {
          [`free-user-${unit}`]: tierLimit('free', 5, '2m'),
          [`premium-user-${unit}`]: tierLimit('premium', 20, '2m'),
        },
      },
    });
  }
  const names = Array.from(
    { length: MODELS },
    (_, i) => `model-${String(i).padStart(3, '0')}`,
  );
  await inBatches(names, 10, async name => {
    const entities = [
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name,
          annotations: {
            'maas.kuadrant.io/inference-service': `${NS}/${name}`,
            'maas.kuadrant.io/http-route': `${NS}/${name}-route`,
          },
        },
        spec: {
          type: 'model-server',
          owner: 'group:default/platform-team',
          lifecycle: 'production',
        },
      },
    ];
    await create('serving.kserve.io', 'v1beta1', 'inferenceservices', {
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata: {
        name,
        namespace: NS,
        annotations: {
          'maas.kuadrant.io/catalog-entities': JSON.stringify(entities),
        },
      },
      spec: {
        predictor: {
          containers: [
            {
              name: 'kserve-container',
              image: 'ghcr.io/llm-d/llm-d-inference-sim:latest',
              args: ['--model', name, '--port', '8080'],
            },
          ],
        },
      },
    });
    await create('gateway.networking.k8s.io', 'v1', 'httproutes', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: `${name}-route`, namespace: NS },
      spec: {
        parentRefs: [{ name: 'inference-gateway' }],
        hostnames: [`${name}.maas.local`],
        rules: [{ backendRefs: [{ name: `${name}-predictor`, port: 80 }] }],
      },
    });
    const keys = apiKeyAuthentication({ 'maas.kuadrant.io/model': name });
    await create(
      'kuadrant.io',
      'v1',
      'authpolicies',
      routeAuthPolicy(
        { name: `${name}-auth`, namespace: NS },
        `${name}-route`,
        {
          authentication: { keys },
        },
      ),
    );
  });
  const secrets = Array.from({ length: SECRETS }, (_, i) => i);
  await inBatches(secrets, 25, i =>
    core.createNamespacedSecret({
      namespace: NS,
      body: {
        metadata: {
          name: `bench-key-${i}`,
          labels: {
            'app.kubernetes.io/managed-by': 'maas-backstage',
            'maas.kuadrant.io/model': names[i % MODELS],
            'kuadrant.io/auth-secret': 'true',
          },
          annotations: {
            'kuadrant.io/groups': 'free',
            'secret.kuadrant.io/user-id': `user-${i % 500}`,
          },
        },
        stringData: { api_key: `maas_bench_${i}` },
      },
    }),
  );
  console.log(
    `created ${MODELS} models and ${SECRETS} key Secrets in ${(
      (Date.now() - t0) /
      1000
    ).toFixed(1)} s`,
  );
  return names;
}
