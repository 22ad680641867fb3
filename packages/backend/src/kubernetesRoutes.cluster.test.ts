/*
 * Issue #20 H1 and M4 over real HTTP: the real Kubernetes backend plugin (signed in as its own account
 * of deploy/rbac.yaml) behind the portal's route guard, the real permission backend with the portal's
 * policy, the real catalog with the suite's catalog module reading models from the harness's cluster,
 * and three users: a developer (team A), a developer of another team (team B) and an admin.
 */
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import {
  createTestNamespace,
  deleteTestNamespace,
  eventually,
  harnessKubeConfig,
  vllmInferenceServiceSpec,
} from '@maas-portal/harness/testing';
import {
  MAAS_CATALOG_ENTITIES_ANNOTATION,
  MAAS_MODEL_OWNER_ANNOTATION,
} from '@maas-portal/plugin-maas-common';
import catalogModuleMaas from '@maas-portal/plugin-catalog-backend-module-maas';
import request from 'supertest';
import {
  ADMIN,
  authorizationOf,
  createModelObjects,
  DEV_A,
  DEV_B,
  MODEL_A,
  startPortalTestBackend,
  User,
} from './__testUtils__/portalTestBackend';

const kind = (group: string, apiVersion: string, plural: string) => ({
  group,
  apiVersion,
  plural,
});
const SECRETS = kind('', 'v1', 'secrets');
const CONFIGMAPS = kind('', 'v1', 'configmaps');
const SERVICE_ACCOUNTS = kind('', 'v1', 'serviceaccounts');
const INFERENCE_SERVICES = kind(
  'serving.kserve.io',
  'v1beta1',
  'inferenceservices',
);

describe('the Kubernetes plugin routes (issue #20 H1, M4)', () => {
  let kc: KubeConfig;
  /** Models the portal serves (maas.namespace). */
  let ns: string;
  /** maas.keys.namespace: the key Secrets. */
  let keys: string;
  /** A second namespace of maas.catalog.namespaces. */
  let served: string;
  /** A namespace the catalog does not serve. */
  let elsewhere: string;
  let server: Awaited<ReturnType<typeof startPortalTestBackend>>['server'];
  /** Scheduled tasks (the catalog module's pass) run when the test triggers them. */
  const scheduler = mockServices.scheduler();

  const customQuery = (
    user: User,
    entityRef: string,
    customResources: unknown,
  ) =>
    request(server)
      .post('/api/kubernetes/resources/custom/query')
      .set('Authorization', authorizationOf(user))
      .send({ entityRef, customResources });
  const entity = (ref: string) => {
    const [k, rest] = ref.split(':');
    const [namespace, name] = rest.split('/');
    return request(server)
      .get(`/api/catalog/entities/by-name/${k}/${namespace}/${name}`)
      .set('Authorization', authorizationOf(ADMIN));
  };

  /** An InferenceService whose catalog annotation tries to point the Kubernetes tab at `keys`. */
  async function hostileInferenceService(namespace: string, name: string) {
    const component = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      // Claims the existing model's entity (M4) and the key Secrets' namespace (H1).
      metadata: {
        name: 'model-a',
        namespace: 'default',
        annotations: {
          'maas.kuadrant.io/inference-service': `${ns}/model-a`,
          'backstage.io/kubernetes-namespace': keys,
          'backstage.io/kubernetes-label-selector':
            'kuadrant.io/auth-secret=true',
        },
      },
      spec: {
        type: 'model-server',
        lifecycle: 'production',
        owner: 'group:default/team-b',
        providesApis: ['model-a-api'],
      },
    };
    const api = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'API',
      metadata: { name: 'model-a-api', namespace: 'default' },
      spec: { type: 'openai', owner: 'group:default/team-b', definition: 'x' },
    };
    await kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
      group: 'serving.kserve.io',
      version: 'v1beta1',
      plural: 'inferenceservices',
      namespace,
      body: {
        apiVersion: 'serving.kserve.io/v1beta1',
        kind: 'InferenceService',
        metadata: {
          name,
          namespace,
          annotations: {
            [MAAS_CATALOG_ENTITIES_ANNOTATION]: JSON.stringify([
              component,
              api,
            ]),
            [MAAS_MODEL_OWNER_ANNOTATION]: 'group:default/team-b',
          },
        },
        spec: vllmInferenceServiceSpec(),
      },
    });
  }

  beforeAll(async () => {
    kc = harnessKubeConfig();
    ns = await createTestNamespace(kc, 'k8s-routes');
    keys = await createTestNamespace(kc, 'k8s-keys');
    served = await createTestNamespace(kc, 'k8s-served');
    elsewhere = await createTestNamespace(kc, 'k8s-elsewhere');
    await createModelObjects(kc, ns);
    // The squatters exist before the portal starts: the older one may not win either.
    await hostileInferenceService(served, 'model-a');
    await hostileInferenceService(elsewhere, 'model-a');
    await hostileInferenceService(ns, 'hostile');
    ({ server } = await startPortalTestBackend({
      kc,
      ns,
      maas: {
        keys: { maxActivePerUserAndModel: 100, namespace: keys },
        catalog: { namespaces: [ns, served] },
      },
      features: [
        catalogModuleMaas,
        createServiceFactory({
          service: coreServices.scheduler,
          deps: {},
          factory: () => scheduler,
        }),
      ],
    }));
    // A key of the developer: a Secret in the keys namespace that no one else may read.
    await eventually(async () => {
      const res = await request(server)
        .post('/api/maas/keys/requests')
        .set('Authorization', authorizationOf(DEV_A))
        .send({ entityRef: MODEL_A, tier: 'free', reason: 'h1' });
      if (res.status !== 201) throw new Error(`${res.status} ${res.text}`);
    }, 60_000);
    // The suite's catalog module has registered the served namespaces' models.
    await eventually(async () => {
      await scheduler.triggerTask('maas-model-entities');
      const res = await entity(`component:${served}/model-a`);
      const own = await entity('component:default/hostile');
      if (res.status !== 200 || own.status !== 200)
        throw new Error(`not registered yet: ${res.status} ${own.status}`);
    }, 60_000);
  }, 180_000);

  afterAll(async () => {
    for (const n of [ns, keys, served, elsewhere])
      if (kc && n) await deleteTestNamespace(kc, n);
  });

  it('H1: a developer cannot query secrets, configmaps or serviceaccounts through the Kubernetes plugin', async () => {
    const refused: Record<string, string[]> = {};
    for (const user of [DEV_A, DEV_B] as const) {
      refused[user] = [];
      for (const asked of [
        [SECRETS],
        [CONFIGMAPS],
        [SERVICE_ACCOUNTS],
        [INFERENCE_SERVICES, SECRETS],
        // The plugin puts apiVersion into the URL path: only exact tab kinds pass.
        [kind('', 'v1/namespaces/x/secrets/..', 'pods')],
      ]) {
        const res = await customQuery(user, MODEL_A, asked);
        refused[user].push(`${res.status} ${res.body.error?.name}`);
        expect(res.body.error?.message).toMatch(
          /^The Kubernetes tab may list only inferenceservices\.serving\.kserve\.io\/v1beta1, .*pods\/v1, services\/v1, deployments\.apps\/v1, replicasets\.apps\/v1; .* needs the kubernetes\.proxy permission \(admins\): ask an admin of the portal$/,
        );
      }
    }
    expect(refused).toEqual({
      [DEV_A]: Array(5).fill('403 NotAllowedError'),
      [DEV_B]: Array(5).fill('403 NotAllowedError'),
    });
    // The tab's own kinds pass the guard for everyone; the admin may query any kind (the proxy
    // reaches the same objects).
    for (const user of [DEV_A, DEV_B, ADMIN] as const) {
      const tab = await customQuery(user, MODEL_A, [INFERENCE_SERVICES]);
      expect(tab.body.error?.name).not.toBe('NotAllowedError');
    }
    const admin = await customQuery(ADMIN, MODEL_A, [SECRETS]);
    expect(admin.body.error?.name).not.toBe('NotAllowedError');
    // A malformed list is named, not a stack trace.
    const bad = await customQuery(DEV_A, MODEL_A, 'secrets');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe(
      'customResources must be a non-empty list of {group, apiVersion, plural}',
    );
  });

  it('H1: an annotated InferenceService cannot make an entity that points at the keys namespace, and no developer reads a key Secret', async () => {
    // No entity of the catalog points the Kubernetes tab at the keys namespace.
    const pointing = await request(server)
      .get('/api/catalog/entities/by-query')
      .query({
        filter: `metadata.annotations.backstage.io/kubernetes-namespace=${keys}`,
      })
      .set('Authorization', authorizationOf(ADMIN));
    expect(pointing.status).toBe(200);
    expect(pointing.body.items).toEqual([]);
    // The served hostile model got entities of its own, pointing at its own namespace.
    const hostile = await entity('component:default/hostile');
    expect(hostile.body.metadata.annotations).toMatchObject({
      'backstage.io/kubernetes-namespace': ns,
      'backstage.io/kubernetes-label-selector':
        'serving.kserve.io/inferenceservice=hostile',
      'maas.kuadrant.io/inference-service': `${ns}/hostile`,
    });
    // The one in a namespace the catalog does not serve made none at all.
    expect((await entity(`component:${elsewhere}/model-a`)).status).toBe(404);

    // Through every entity, with every user but the admin, the Secrets stay out of reach.
    for (const ref of [
      MODEL_A,
      'component:default/hostile',
      `component:${served}/model-a`,
    ])
      for (const user of [DEV_A, DEV_B] as const) {
        const res = await customQuery(user, ref, [SECRETS]);
        expect(`${ref} ${user} ${res.status}`).toBe(`${ref} ${user} 403`);
        const proxied = await request(server)
          .get(`/api/kubernetes/proxy/api/v1/namespaces/${keys}/secrets`)
          .set('Authorization', authorizationOf(user))
          .set('Backstage-Kubernetes-Cluster', 'harness')
          .set('Impersonate-User', 'system:admin')
          .set('Impersonate-Group', 'system:masters');
        expect(proxied.status).toBe(403);
      }
  });

  it("M4: an InferenceService elsewhere that claims an existing model's entity name neither replaces nor shadows it", async () => {
    const own = await entity(MODEL_A);
    expect(own.status).toBe(200);
    expect(own.body.metadata.annotations).toMatchObject({
      'maas.kuadrant.io/inference-service': `${ns}/model-a`,
    });
    expect(own.body.spec.owner).toBe('group:default/team-a');
    // The squatter in a served namespace is an entity of its own name, owned as it says.
    const squatter = await entity(`component:${served}/model-a`);
    expect(squatter.body.metadata.annotations).toMatchObject({
      'maas.kuadrant.io/inference-service': `${served}/model-a`,
      'backstage.io/kubernetes-namespace': served,
    });
    // Keys are still asked for and issued against the real model's InferenceService.
    for (const user of [DEV_A, DEV_B, ADMIN] as const) {
      const model = await request(server)
        .get(`/api/maas/models/by-entity?entityRef=${MODEL_A}`)
        .set('Authorization', authorizationOf(user));
      expect(model.status).toBe(200);
      expect(model.body.inferenceService).toMatchObject({
        found: true,
        namespace: ns,
        name: 'model-a',
      });
    }
  });
});
