import { mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import {
  createTestNamespace,
  deleteTestNamespace,
  eventually,
  harnessKubeConfig,
} from '@maas-portal/harness/testing';
import {
  AUTH_POLICY,
  HTTP_ROUTE,
  INFERENCE_SERVICE,
} from '@maas-portal/plugin-maas-node';
import request from 'supertest';
import {
  createObject,
  httpRoute,
  inferenceService,
  modelComponent,
} from '../__testUtils__/harness';
import {
  ADMIN,
  as,
  DEV_A,
  TEAM_A,
  usersInfo,
} from '../__testUtils__/testUsers';
import {
  startMaasBackend,
  TestBackendServer,
} from '../__testUtils__/startMaasBackend';

const SEED = 'component:default/seed';

jest.setTimeout(60_000);

describe('keys made outside the portal, on the harness', () => {
  let kc: KubeConfig;
  let core: CoreV1Api;
  let ns: string;
  let server: TestBackendServer;

  const secret = (name: string, labels: Record<string, string>) =>
    core.createNamespacedSecret({
      namespace: ns,
      body: {
        metadata: {
          name,
          labels,
          annotations: {
            'secret.kuadrant.io/user-id': name,
            'kuadrant.io/groups': 'free',
          },
        },
        stringData: { api_key: `value-of-${name}` },
      },
    });

  beforeAll(async () => {
    kc = harnessKubeConfig();
    core = kc.makeApiClient(CoreV1Api);
    ns = await createTestNamespace(kc, 'outside-keys');
    // A model deployed by hand: InferenceService, route, and an AuthPolicy selecting its keys by label.
    await createObject(kc, INFERENCE_SERVICE, inferenceService(ns, 'seed'));
    await createObject(
      kc,
      HTTP_ROUTE,
      httpRoute(ns, 'seed', { gateway: 'no-such-gateway' }),
    );
    await createObject(kc, AUTH_POLICY, {
      apiVersion: 'kuadrant.io/v1',
      kind: 'AuthPolicy',
      metadata: { name: 'seed-auth', namespace: ns },
      spec: {
        targetRef: {
          group: 'gateway.networking.k8s.io',
          kind: 'HTTPRoute',
          name: 'seed-route',
        },
        rules: {
          authentication: {
            'api-key-users': {
              apiKey: {
                selector: { matchLabels: { app: 'seed-keys' } },
                allNamespaces: false,
              },
              credentials: { authorizationHeader: { prefix: 'APIKEY' } },
            },
          },
        },
      },
    } as any);
    await secret('by-hand', { app: 'seed-keys' });
    await secret('by-portal', {
      app: 'seed-keys',
      'app.kubernetes.io/managed-by': 'maas-backstage',
    });
    await secret('another-model', { app: 'other-keys' });

    server = await startMaasBackend({
      features: [
        mockServices.permissions.mock({
          authorize: async requests =>
            requests.map(() => ({ result: AuthorizeResult.ALLOW })),
        }).factory,
        usersInfo().factory,
      ],
      entities: [modelComponent('seed', `${ns}/seed`, TEAM_A)],
      maas: { keys: { namespace: ns } },
    });
  });

  afterAll(async () => {
    if (kc && ns) await deleteTestNamespace(kc, ns);
  });

  const list = (user: string) =>
    request(server)
      .get(`/api/maas/models/by-entity/outside-keys?entityRef=${SEED}`)
      .set(as(user));
  const revoke = (user: string, name: string) =>
    request(server)
      .post(
        `/api/maas/models/by-entity/outside-keys/${name}/revoke?entityRef=${SEED}`,
      )
      .set(as(user));

  it('lists for an admin the Secrets the AuthPolicy selects that the portal did not issue, and lets only an admin revoke one', async () => {
    const listed = await eventually(async () => {
      const res = await list(ADMIN);
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(1);
      return res.body;
    }, 30_000);
    expect(listed).toEqual([
      {
        namespace: ns,
        name: 'by-hand',
        userId: 'by-hand',
        groups: 'free',
        createdAt: expect.any(String),
      },
    ]);
    expect(JSON.stringify(listed)).not.toContain('value-of');

    const byDev = await list(DEV_A);
    expect([byDev.status, byDev.body.error.message]).toEqual([
      403,
      'Seeing keys made outside the portal takes membership of one of maas.adminGroups',
    ]);
    expect((await revoke(DEV_A, 'by-hand')).status).toBe(403);
    // Only a Secret that selects this model and is not the portal's own.
    for (const name of ['by-portal', 'another-model']) {
      const res = await revoke(ADMIN, name);
      expect([res.status, res.body.error.message]).toEqual([
        404,
        `No key Secret ${ns}/${name} made outside the portal selects this model`,
      ]);
    }
    expect((await revoke(ADMIN, 'by-hand')).status).toBe(204);
    expect(
      (await core.listNamespacedSecret({ namespace: ns })).items
        .map(s => s.metadata!.name)
        .filter(n => n !== 'default-token')
        .sort(),
    ).toEqual(expect.arrayContaining(['another-model', 'by-portal']));
    expect((await list(ADMIN)).body).toEqual([]);
  });
});
