/*
 * GET /models and GET /access over real HTTP for the three users (a developer of team A, one of
 * team B, an admin), on the harness's cluster: what each one's permissions let the list show,
 * without the cluster-wide maas.model.list, and which of Approvals and Costs serve whom.
 */
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { KubeConfig } from '@kubernetes/client-node';
import {
  createTestNamespace,
  deleteTestNamespace,
  eventually,
  harnessKubeConfig,
} from '@maas-portal/harness/testing';
import {
  MAAS_HTTP_ROUTE_ANNOTATION,
  MAAS_TEAM_LEADS_ANNOTATION,
  MaasAccess,
  ModelList,
} from '@maas-portal/plugin-maas-common';
import { HTTP_ROUTE, INFERENCE_SERVICE } from '@maas-portal/plugin-maas-node';
import {
  AuthorizeResult,
  EvaluatePermissionRequest,
} from '@backstage/plugin-permission-common';
import request from 'supertest';
import {
  createBoundModel,
  createObject,
  httpRoute,
  inferenceService,
  modelComponent,
} from '../__testUtils__/harness';
import {
  startMaasBackend,
  TestBackendServer,
} from '../__testUtils__/startMaasBackend';
import {
  ADMIN,
  as,
  DEV_A,
  DEV_B,
  ownershipOf,
  TEAM_A,
  usersInfo,
} from '../__testUtils__/testUsers';

/** Readable by everyone, as the example policy has maas.model.read. */
const OPEN = 'component:default/open-model';
/** Readable by team A and admins only: a policy that narrows maas.model.read per entity. */
const CLOSED = 'component:default/closed-model';

describe('seen as a developer: GET /models and GET /access over HTTP', () => {
  let kc: KubeConfig;
  let ns: string;
  let server: TestBackendServer;
  /** Every authorize call the backend made, as its permission requests. */
  const calls: EvaluatePermissionRequest[][] = [];

  const get = (path: string, user: string) =>
    request(server).get(`/api/maas${path}`).set(as(user));

  beforeAll(async () => {
    kc = harnessKubeConfig();
    ns = await createTestNamespace(kc, 'seen-as-dev');
    // Both models record team A as the owner who decides their key requests.
    await createBoundModel(kc, ns, 'open-model', TEAM_A);
    await createBoundModel(kc, ns, 'closed-model', TEAM_A);
    await createObject(
      kc,
      HTTP_ROUTE,
      httpRoute(ns, 'open-model', { hostnames: ['open-model.maas.local'] }),
    );
    // Deployed by hand: no entity names it; only maas.model.list shows it.
    await createObject(kc, INFERENCE_SERVICE, inferenceService(ns, 'stray'));
    const open = modelComponent('open-model', `${ns}/open-model`, TEAM_A);
    open.metadata.annotations[
      MAAS_HTTP_ROUTE_ANNOTATION as keyof typeof open.metadata.annotations
    ] = `${ns}/open-model-route`;
    const teamA: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: {
        name: 'team-a',
        namespace: 'default',
        annotations: { [MAAS_TEAM_LEADS_ANNOTATION]: 'jane' },
      },
      spec: { type: 'team', children: [] },
    };
    const permissions = mockServices.permissions.mock({
      authorize: async (requests, options) => {
        calls.push(requests as EvaluatePermissionRequest[]);
        const user = (
          options!.credentials.principal as { userEntityRef: string }
        ).userEntityRef;
        const ownership = ownershipOf(user);
        return requests.map(r => {
          const resourceRef = (r as { resourceRef?: string }).resourceRef;
          const name = r.permission.name;
          const allowed =
            user === ADMIN ||
            (name === 'maas.model.read' &&
              (resourceRef === OPEN || ownership.includes(TEAM_A))) ||
            (name === 'maas.key.approve' && ownership.includes(TEAM_A));
          return {
            result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
          };
        });
      },
    });
    server = await startMaasBackend({
      features: [permissions.factory, usersInfo().factory],
      entities: [
        open as Entity,
        modelComponent('closed-model', `${ns}/closed-model`, TEAM_A) as Entity,
        teamA,
      ],
    });
    // The watch caches list the cluster.
    await eventually(async () => {
      const res = await get('/models', ADMIN);
      const names = (res.body as ModelList).items?.map(
        m => m.inferenceService.name,
      );
      if (!names?.includes('stray') || !names.includes('open-model'))
        throw new Error(`not listed yet: ${res.status} ${res.text}`);
    }, 30_000);
  }, 60_000);

  afterAll(async () => {
    if (kc && ns) await deleteTestNamespace(kc, ns);
  });

  /** The list's items of this test's namespace: `<entity or -> <isvc>`. */
  const itemsOf = (list: ModelList) =>
    list.items
      .filter(m => m.inferenceService.namespace === ns)
      .map(m => `${m.entityRef ?? '-'} ${m.inferenceService.name}`);

  it('seen as a developer: the models list shows what maas.model.read allows on each entity, health and endpoint included, without maas.model.list', async () => {
    const bob = await get('/models', DEV_B);
    expect(bob.status).toBe(200);
    const list = bob.body as ModelList;
    expect(itemsOf(list)).toEqual([`${OPEN} open-model`]);
    expect(list.notReadable).toEqual([CLOSED]);
    expect(list.everyInferenceService).toBe(false);
    const [open] = list.items;
    // What GET /models/by-entity shows him of the same model, field for field.
    const one = await get(`/models/by-entity?entityRef=${OPEN}`, DEV_B);
    expect(one.status).toBe(200);
    expect(open.url).toBe('http://open-model.maas.local');
    expect(open.health).toEqual(one.body.health);
    expect(open.route).toEqual(one.body.route);
    expect(open.health.reasons.length).toBeGreaterThan(0);
    // The closed model's own page refuses him too: the list says no more than the entity does.
    expect(
      (await get(`/models/by-entity?entityRef=${CLOSED}`, DEV_B)).status,
    ).toBe(403);

    const jane = (await get('/models', DEV_A)).body as ModelList;
    expect(itemsOf(jane)).toEqual([
      `${CLOSED} closed-model`,
      `${OPEN} open-model`,
    ]);
    expect(jane.notReadable).toEqual([]);
    expect(jane.everyInferenceService).toBe(false);
  });

  it('seen as a developer: maas.model.read is asked once per list, for every entity in one batch', async () => {
    calls.length = 0;
    expect((await get('/models', DEV_B)).status).toBe(200);
    const reads = calls.filter(c =>
      c.some(r => r.permission.name === 'maas.model.read'),
    );
    expect(reads).toHaveLength(1);
    expect(
      reads[0].map(r => (r as { resourceRef?: string }).resourceRef).sort(),
    ).toEqual([CLOSED, OPEN]);
  });

  it('seen as an admin: maas.model.list adds the InferenceServices no entity names', async () => {
    const admin = (await get('/models', ADMIN)).body as ModelList;
    expect(itemsOf(admin)).toEqual([
      `${CLOSED} closed-model`,
      `${OPEN} open-model`,
      '- stray',
    ]);
    expect(admin.notReadable).toEqual([]);
    expect(admin.everyInferenceService).toBe(true);
  });

  it('seen as a developer: Approvals and Costs serve only those with something there', async () => {
    const access = async (user: string) => {
      const res = await get('/access', user);
      expect(res.status).toBe(200);
      return res.body as MaasAccess;
    };
    const bob = await access(DEV_B);
    expect(bob).toEqual({
      // Another test of the same harness may leave a model owned by team B: he still may not decide.
      approvals: {
        serves: false,
        reason: expect.stringMatching(
          /^(No model on the cluster records you or one of your groups as its owner|Your groups own .+, but you lack the maas.key.approve permission on them)/,
        ),
      },
      costs: {
        serves: false,
        reason:
          'You lack maas.costs.read and lead no group (annotation maas.kuadrant.io/team-leads)',
      },
    });
    const jane = await access(DEV_A);
    expect(jane.approvals.serves).toBe(true);
    expect(jane.approvals.reason).toMatch(/^You decide the key requests of /);
    expect(jane.approvals.reason).toContain(CLOSED);
    expect(jane.approvals.reason).toContain(OPEN);
    expect(jane.costs).toEqual({
      serves: true,
      reason: 'You lead group:default/team-a: their costs',
    });
    const admin = await access(ADMIN);
    expect(admin.approvals.serves).toBe(true);
    expect(admin.costs.serves).toBe(true);
    // Signed-in users only: the pages are a person's.
    const anonymous = await request(server)
      .get('/api/maas/access')
      .set('Authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);
  });
});
