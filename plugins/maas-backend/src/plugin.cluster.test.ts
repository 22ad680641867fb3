import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { KubeConfig } from '@kubernetes/client-node';
import {
  MAAS_BOUND_ENTITY_ANNOTATION,
  MAAS_HTTP_ROUTE_ANNOTATION,
  MAAS_MODEL_OWNER_ANNOTATION,
  MAAS_INFERENCE_SERVICE_ANNOTATION,
} from '@maas-portal/plugin-maas-common';
import request from 'supertest';
import { HTTP_ROUTE, INFERENCE_SERVICE } from '@maas-portal/plugin-maas-node';
import {
  createTestNamespace,
  deleteTestNamespace,
  harnessEnv,
  harnessKubeConfig,
  kubernetesClusterLocators,
} from '@maas-portal/harness/testing';
import { createObject, httpRoute } from './__testUtils__/harness';
import { maasPlugin } from './plugin';
import {
  startMaasBackend,
  TestBackendServer,
} from './__testUtils__/startMaasBackend';

const ADMIN = 'user:default/admin';
const USER = 'user:default/freeuser1';
const NOBODY = 'user:default/nobody';
/** What only admins may do; NOBODY may do nothing at all. */
const ADMIN_ONLY = new Set(['maas.model.list', 'maas.usage.read-all']);

describe('maas backend routes, end to end on the harness', () => {
  let kc: KubeConfig;
  let ns: string;
  let server: TestBackendServer;
  let entityRef: string;

  beforeAll(async () => {
    kc = harnessKubeConfig();
    ns = await createTestNamespace(kc, 'routes');
    await createObject(kc, INFERENCE_SERVICE, {
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata: {
        name: 'simulator',
        namespace: ns,
        // Bound to its entity, as Create model or an admin's Adopt leaves it.
        annotations: {
          [MAAS_BOUND_ENTITY_ANNOTATION]: 'component:default/simulator',
          [MAAS_MODEL_OWNER_ANNOTATION]: 'group:default/platform-team',
        },
      },
      spec: {
        predictor: {
          containers: [
            {
              name: 'kserve-container',
              image: 'ghcr.io/llm-d/llm-d-inference-sim:v0.4.0',
              args: ['--model', 'simulator', '--port', '8080'],
            },
          ],
        },
      },
    } as any);
    await createObject(
      kc,
      HTTP_ROUTE,
      httpRoute(ns, 'simulator', { hostnames: ['simulator.maas.local'] }),
    );
    const entity: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'simulator',
        namespace: 'default',
        annotations: {
          [MAAS_INFERENCE_SERVICE_ANNOTATION]: `${ns}/simulator`,
          [MAAS_HTTP_ROUTE_ANNOTATION]: `${ns}/simulator-route`,
        },
      },
      spec: {
        type: 'model-server',
        owner: 'group:default/platform-team',
        lifecycle: 'production',
      },
    };
    entityRef = 'component:default/simulator';
    const permissions = mockServices.permissions.mock({
      authorize: async (requests, options) => {
        const user = (
          options.credentials.principal as { userEntityRef?: string }
        ).userEntityRef;
        return requests.map(r => ({
          result:
            user === ADMIN ||
            (user === USER && !ADMIN_ONLY.has(r.permission.name))
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY,
        })) as any;
      },
    });
    server = await startMaasBackend({
      features: [permissions.factory],
      entities: [entity],
      maas: { prometheus: { url: harnessEnv('MAAS_HARNESS_PROMETHEUS_URL') } },
    });
  }, 60_000);

  afterAll(async () => {
    if (kc && ns) await deleteTestNamespace(kc, ns);
  });

  const routes = () => [
    '/api/maas/status',
    '/api/maas/models',
    `/api/maas/models/by-entity?entityRef=${entityRef}`,
    `/api/maas/models/by-entity/tiers?entityRef=${entityRef}`,
    `/api/maas/models/by-entity/usage?entityRef=${entityRef}&range=1h`,
  ];
  const get = (path: string, header: string) =>
    request(server).get(path).set('Authorization', header);

  it('answers each route per caller: 401 without credentials, 403 without the permission, 200 with it', async () => {
    const matrix: Record<string, number[]> = {};
    for (const path of routes()) {
      const route = path.split('?')[0].replace('/api/maas', '');
      matrix[route] = [
        (await get(path, mockCredentials.none.header())).status,
        (await get(path, mockCredentials.user.header(NOBODY))).status,
        (await get(path, mockCredentials.user.header(USER))).status,
        (await get(path, mockCredentials.user.header(ADMIN))).status,
      ];
    }
    expect(matrix).toEqual({
      //                          none, nobody, user, admin
      '/status': [401, 200, 200, 200],
      // Everyone signed in gets the models their maas.model.read allows (nobody: none of them).
      '/models': [401, 200, 200, 200],
      '/models/by-entity': [401, 403, 200, 200],
      '/models/by-entity/tiers': [401, 403, 200, 200],
      '/models/by-entity/usage': [401, 403, 200, 200],
    });
  });

  it('shows a model with the connection to the harness', async () => {
    const status = await get(
      '/api/maas/status',
      mockCredentials.user.header(USER),
    );
    expect(status.body.cluster.state).toBe('connected');
    expect(status.body.prometheus.state).toBe('connected');
    const model = await get(
      `/api/maas/models/by-entity?entityRef=${entityRef}`,
      mockCredentials.user.header(USER),
    );
    expect(model.body).toMatchObject({
      entityRef,
      modelName: 'simulator',
      url: 'http://simulator.maas.local',
      inferenceService: { namespace: ns, name: 'simulator', found: true },
    });
  });

  it("gives a user their own usage and an admin everyone's", async () => {
    const mine = await get(
      `/api/maas/models/by-entity/usage?entityRef=${entityRef}&range=1h`,
      mockCredentials.user.header(USER),
    );
    expect(mine.body).toMatchObject({
      scope: 'user',
      userId: 'freeuser1',
      limitadorNamespace: `${ns}/simulator-route`,
    });
    const denied = await get(
      `/api/maas/models/by-entity/usage?entityRef=${entityRef}&scope=all`,
      mockCredentials.user.header(USER),
    );
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toMatch(/maas\.usage\.read-all/);
    const all = await get(
      `/api/maas/models/by-entity/usage?entityRef=${entityRef}`,
      mockCredentials.user.header(ADMIN),
    );
    expect(all.body.scope).toBe('all');
  });

  it.each([
    ['entityRef=', 400, /entityRef is required/],
    [
      'entityRef=component:default/unknown',
      404,
      /No entity component:default\/unknown/,
    ],
    [
      'entityRef=component:default/simulator&range=1d',
      400,
      /range must be one of 1h, 24h, 7d/,
    ],
  ])(
    'rejects bad input %p with %p and a message',
    async (query, status, message) => {
      const path = query.includes('range')
        ? '/api/maas/models/by-entity/usage'
        : '/api/maas/models/by-entity';
      const res = await get(
        `${path}?${query}`,
        mockCredentials.user.header(ADMIN),
      );
      expect(res.status).toBe(status);
      expect(res.body.error.message).toMatch(message);
      expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+/);
    },
  );

  it("can use the Kubernetes plugin's cluster config instead of a kubeconfig", async () => {
    const { server: other } = await startTestBackend({
      features: [
        maasPlugin,
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({
          data: {
            kubernetes: {
              clusterLocatorMethods: kubernetesClusterLocators(kc),
            },
            maas: { cluster: { name: 'harness' } },
          },
        }),
      ],
    });
    const status = await request(other)
      .get('/api/maas/status')
      .set('Authorization', mockCredentials.user.header(USER));
    expect(status.body.cluster.state).toBe('connected');
    expect(status.body.cluster.message).toContain(
      'through cluster "harness" of the Kubernetes plugin\'s config',
    );
  });
});
