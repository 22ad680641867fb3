import { mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import {
  apiKeyAuthentication,
  authConfigHostForRoute,
  authorize,
  createTestNamespace,
  deleteTestNamespace,
  eventually,
  harnessEnv,
  harnessKubeConfig,
  namespaceGateway,
  routeAuthPolicy,
  serverSideApply,
  waitForPolicy,
} from '@maas-portal/harness/testing';
import { AuthPolicy } from '@maas-portal/plugin-maas-node';
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
import { apiKeySelectors, OutsideKeys } from './OutsideKeys';

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
        `No key Secret ${name} made outside the portal selects this model (looked in namespace ${ns})`,
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

/*
 * The real kuadrant-operator writes each AuthConfig into the Kuadrant namespace, and the real
 * Authorino reads a rule's key Secrets there, or everywhere with `allNamespaces: true`: what
 * OutsideKeys lists must be exactly what Authorino accepts.
 */
describe('keys made outside the portal, where the real Authorino looks for them', () => {
  const KUADRANT_NAMESPACE = 'kuadrant-system';
  let kc: KubeConfig;
  let core: CoreV1Api;
  let ns: string;
  let other: string;
  const hosts: Record<string, string> = {};
  const policies: Record<string, AuthPolicy> = {};
  /** Secrets this test made in the shared Kuadrant namespace, deleted at the end. */
  const shared: string[] = [];

  const apply = (object: object) =>
    serverSideApply(kc, 'outside-keys-test')(object);

  /** A model's route on the test Gateway and its AuthPolicy, accepting keys labelled for it. */
  async function model(name: string, allNamespaces: boolean) {
    await apply(
      httpRoute(ns, name, {
        gateway: 'gw',
        hostnames: [`${name}.${ns}.local`],
      }),
    );
    const authentication = apiKeyAuthentication({
      'outside-test': `${ns}-${name}`,
    });
    authentication.apiKey.allNamespaces = allNamespaces;
    policies[name] = (await apply(
      routeAuthPolicy(
        { name: `${name}-auth`, namespace: ns },
        `${name}-route`,
        {
          authentication: { 'api-key-users': authentication },
        },
      ),
    )) as AuthPolicy;
    await waitForPolicy(
      'AuthPolicy',
      { namespace: ns, name: `${name}-auth` },
      { timeoutMs: 90_000, kc },
    );
    hosts[name] = await authConfigHostForRoute(
      { namespace: ns, name: `${name}-route` },
      { timeoutMs: 30_000, kc },
    );
  }

  /** A key made by hand for `forModel`, in `namespace`, as Authorino's docs show it. */
  async function handMadeKey(
    namespace: string,
    forModel: string,
    name: string,
  ) {
    await core.createNamespacedSecret({
      namespace,
      body: {
        metadata: {
          name,
          labels: {
            'outside-test': `${ns}-${forModel}`,
            'authorino.kuadrant.io/managed-by': 'authorino',
          },
          annotations: { 'secret.kuadrant.io/user-id': name },
        },
        stringData: { api_key: `value-of-${name}` },
      },
    });
    if (namespace === KUADRANT_NAMESPACE) shared.push(name);
  }

  beforeAll(async () => {
    harnessEnv('MAAS_HARNESS_AUTHORINO_URL');
    kc = harnessKubeConfig();
    core = kc.makeApiClient(CoreV1Api);
    ns = await createTestNamespace(kc, 'outside-where');
    other = await createTestNamespace(kc, 'outside-else');
    await apply(namespaceGateway(ns));
    await model('local', false);
    await model('wide', true);
    await handMadeKey(KUADRANT_NAMESPACE, 'local', `${ns}-local-kuadrant`);
    await handMadeKey(ns, 'local', `${ns}-local-model-ns`);
    await handMadeKey(KUADRANT_NAMESPACE, 'wide', `${ns}-wide-kuadrant`);
    await handMadeKey(other, 'wide', `${ns}-wide-elsewhere`);
  }, 240_000);

  afterAll(async () => {
    for (const name of shared)
      await core
        .deleteNamespacedSecret({ namespace: KUADRANT_NAMESPACE, name })
        .catch(() => undefined);
    if (kc && ns) await deleteTestNamespace(kc, ns);
    if (kc && other) await deleteTestNamespace(kc, other);
  });

  it.each([
    [
      'allNamespaces: false, the AuthConfig namespace only',
      'local',
      ['kuadrant-system/{ns}-local-kuadrant'],
      ['{ns}/{ns}-local-model-ns'],
    ],
    [
      'allNamespaces: true, every namespace',
      'wide',
      ['kuadrant-system/{ns}-wide-kuadrant', '{other}/{ns}-wide-elsewhere'],
      [],
    ],
  ])(
    '%s: lists exactly the keys Authorino accepts',
    async (_, name, accepted, refused) => {
      const fill = (s: string) =>
        s.replace(/\{ns\}/g, ns).replace(/\{other\}/g, other);
      const outside = new OutsideKeys({
        kubeConfig: kc,
        timeoutMs: 10_000,
        namespace: KUADRANT_NAMESPACE,
      });
      const selectors = apiKeySelectors([policies[name]]);
      expect(selectors).toEqual([
        {
          requirements: [
            { key: 'outside-test', operator: 'In', values: [`${ns}-${name}`] },
          ],
          allNamespaces: name === 'wide',
        },
      ]);
      const listed = (await outside.list(selectors))
        .map(k => `${k.namespace}/${k.name}`)
        .sort();
      expect(listed).toEqual(accepted.map(fill).sort());
      const statusOf = (secret: string) =>
        authorize({
          host: hosts[name],
          authorization: `APIKEY value-of-${secret.split('/')[1]}`,
        }).then(r => r.status);
      await eventually(async () => {
        for (const secret of accepted.map(fill))
          expect([secret, await statusOf(secret)]).toEqual([secret, 200]);
        for (const secret of refused.map(fill))
          expect([secret, await statusOf(secret)]).toEqual([secret, 401]);
      }, 30_000);
    },
  );
});
