import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import {
  createTestNamespace,
  deleteTestNamespace,
  eventually,
  harnessKubeConfig,
} from '@maas-portal/harness/testing';
import {
  MAAS_BOUND_ENTITY_ANNOTATION,
  MAAS_MODEL_OWNER_ANNOTATION,
} from '@maas-portal/plugin-maas-common';
import { INFERENCE_SERVICE } from '@maas-portal/plugin-maas-node';
import request from 'supertest';
import {
  createBoundModel,
  createObject,
  inferenceService,
  modelComponent,
} from '../__testUtils__/harness';
import {
  ADMIN,
  as,
  DEV_A,
  DEV_B,
  examplePolicy,
  TEAM_A,
  TEAM_B,
  usersInfo,
} from '../__testUtils__/testUsers';
import { maasPlugin } from '../plugin';
import {
  startMaasBackend,
  TestBackendServer,
  waitUntilBound,
} from '../__testUtils__/startMaasBackend';

const QWEN = 'component:default/qwen3';
/** Bob's own entity pointing at qwen3's InferenceService: the cluster does not name it back. */
const MIRROR = 'component:default/qwen3-mirror';
/** A model deployed by hand: its InferenceService names no entity until an admin adopts it. */
const SEED = 'component:default/seed';
/** A model deleted and created again under the same name during the test. */
const REBORN = 'component:default/reborn';
const permissions = mockServices.permissions.mock({
  authorize: examplePolicy({
    [REBORN]: TEAM_A,
    [QWEN]: TEAM_A,
    [MIRROR]: TEAM_B,
    [SEED]: TEAM_A,
  }),
});
const userInfo = usersInfo();

jest.setTimeout(60_000);

describe('keys router, with three users, on the harness', () => {
  let server: TestBackendServer;
  let kc: KubeConfig;
  let ns: string;
  let entities: Entity[];

  const rebornIsvc = () =>
    inferenceService(ns, 'reborn', {
      [MAAS_BOUND_ENTITY_ANNOTATION]: REBORN,
      [MAAS_MODEL_OWNER_ANNOTATION]: TEAM_A,
    });

  /** The maas plugin on the harness cluster, with the three users, the catalog and `maas` config. */
  const startPortal = (maas: object) =>
    startMaasBackend({
      features: [permissions.factory, userInfo.factory],
      entities,
      maas,
    });

  beforeAll(async () => {
    kc = harnessKubeConfig();
    ns = await createTestNamespace(kc, 'keys-router');
    await createBoundModel(kc, ns, 'qwen3', TEAM_A);
    await createObject(
      kc,
      INFERENCE_SERVICE,
      inferenceService(ns, 'seed', {}) as any,
    );
    await createObject(kc, INFERENCE_SERVICE, rebornIsvc() as any);
    entities = [
      modelComponent('qwen3', `${ns}/qwen3`, TEAM_A),
      modelComponent('qwen3-mirror', `${ns}/qwen3`, TEAM_B),
      modelComponent('seed', `${ns}/seed`, TEAM_A),
      modelComponent('reborn', `${ns}/reborn`, TEAM_A),
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'website', namespace: 'default' },
        spec: {
          type: 'website',
          owner: 'group:default/web',
          lifecycle: 'production',
        },
      },
    ];
    server = await startPortal({
      keys: {
        reasonMaxLength: 20,
        maxActivePerUserAndModel: 3,
        // No key Secret can be written there: approvals stand and issuing waits, which
        // this file does not test (keyFlow.cluster.test.ts does).
        namespace: 'no-such-namespace',
      },
    });
    // The watch cache has seen the InferenceServices.
    await waitUntilBound(server, QWEN, DEV_A);
  });

  afterAll(async () => {
    if (kc && ns) await deleteTestNamespace(kc, ns);
  });

  const newRequest = (user: string, body: object) =>
    request(server).post('/api/maas/keys/requests').set(as(user)).send(body);
  /** Asks for a key as `user`; the new request's id. */
  const requestId = async (
    user: string,
    entityRef: string,
    reason: string,
    tier = 'premium',
  ): Promise<string> =>
    (await newRequest(user, { entityRef, tier, reason })).body.request.id;
  const decide = (user: string, body: object) =>
    request(server)
      .post('/api/maas/keys/requests/decisions')
      .set(as(user))
      .send(body);

  it('needs a signed-in user', async () => {
    const res = await request(server)
      .get('/api/maas/keys')
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
    const service = await request(server)
      .get('/api/maas/keys')
      .set('Authorization', mockCredentials.service.header());
    expect(service.status).toBe(403);
  });

  it('says what is wrong with a request, and records nothing', async () => {
    // The expected message: a string to equal exactly, or a matcher for part of it.
    const cases: Array<[object, number, unknown]> = [
      [
        { tier: 'premium', reason: 'x' },
        400,
        'Invalid request body: entityRef: Required',
      ],
      [
        { entityRef: QWEN, tier: 'premium', reason: 'x', expiresInDays: 1.5 },
        400,
        expect.stringMatching(
          /Invalid request body: expiresInDays: Expected integer/,
        ),
      ],
      [
        { entityRef: 'component:default/nope', tier: 'premium', reason: 'x' },
        404,
        'No entity component:default/nope in the catalog (or you may not see it)',
      ],
      [
        {
          entityRef: 'component:default/website',
          tier: 'premium',
          reason: 'x',
        },
        404,
        expect.stringMatching(/component:default\/website is not a model/),
      ],
      [
        { entityRef: QWEN, tier: 'gold', reason: 'x' },
        400,
        'Unknown tier "gold"; this portal\'s tiers are free, premium, enterprise',
      ],
      [
        {
          entityRef: QWEN,
          tier: 'premium',
          reason: 'far too long a reason here',
        },
        400,
        'The reason is 26 characters long; at most 20 are allowed',
      ],
    ];
    for (const [body, status, message] of cases) {
      const res = await newRequest(DEV_A, body);
      expect({ body, status: res.status }).toEqual({ body, status });
      expect(res.body.error.message).toEqual(message);
    }
    const mine = await request(server)
      .get('/api/maas/keys/requests?mine=true')
      .set(as(DEV_A));
    expect(mine.body).toEqual([]);
  });

  it('enforces maas.key.request on the model entity', async () => {
    const denying = mockServices.permissions.mock({
      authorize: async reqs =>
        reqs.map(() => ({ result: AuthorizeResult.DENY })),
    });
    const { server: denied } = await startTestBackend({
      features: [
        maasPlugin,
        denying.factory,
        catalogServiceMock.factory({ entities: [] }),
      ],
    });
    const res = await request(denied)
      .post('/api/maas/keys/requests')
      .set(as(DEV_A))
      .send({ entityRef: QWEN, tier: 'premium', reason: 'x' });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe(
      'You lack the maas.key.request permission on component:default/qwen3',
    );
  });

  it('records a manual request, shows it to its owner and to approvers only, and takes decisions per item', async () => {
    const created = await newRequest(DEV_A, {
      entityRef: QWEN,
      tier: 'premium',
      reason: 'evaluation',
    });
    expect(created.status).toBe(201);
    expect(created.body.request).toMatchObject({
      state: 'pending',
      tier: 'premium',
      userEntityRef: DEV_A,
      model: `${ns}/qwen3`,
      entityRef: QWEN,
    });
    expect(created.body.issued).toBeUndefined();
    const id = created.body.request.id;

    // Each listed request says whether the caller may decide it: the owner may not, an approver may.
    expect(
      (
        await request(server).get('/api/maas/keys/requests').set(as(DEV_A))
      ).body.map((r: { id: string; canDecide: boolean }) => [
        r.id,
        r.canDecide,
      ]),
    ).toEqual([[id, false]]);
    expect(
      (await request(server).get('/api/maas/keys/requests').set(as(DEV_B)))
        .body,
    ).toEqual([]);
    expect(
      (
        await request(server)
          .get(`/api/maas/keys/requests?entityRef=${QWEN}&state=pending`)
          .set(as(ADMIN))
      ).body.map((r: { id: string; canDecide: boolean }) => [
        r.id,
        r.canDecide,
      ]),
    ).toEqual([[id, true]]);
    const badState = await request(server)
      .get('/api/maas/keys/requests?state=done')
      .set(as(ADMIN));
    expect(badState.status).toBe(400);
    expect(badState.body.error.message).toBe(
      'state must be one of pending, approved, issued, rejected, cancelled, failed',
    );

    const cancel = await request(server)
      .post(`/api/maas/keys/requests/${id}/cancel`)
      .set(as(DEV_B));
    expect(cancel.status).toBe(403);
    expect(cancel.body.error.message).toBe(
      `Only ${DEV_A} can cancel key request ${id}`,
    );

    const byBob = await decide(DEV_B, { ids: [id], decision: 'approve' });
    expect(byBob.status).toBe(200);
    expect(byBob.body).toEqual([
      {
        id,
        ok: false,
        error:
          'You lack the maas.key.approve permission on component:default/qwen3',
      },
    ]);

    const other = await requestId(DEV_A, QWEN, 'batch', 'enterprise');
    const decided = await decide(ADMIN, {
      ids: [id, other, 'no-such-request'],
      decision: 'reject',
      comment: 'not now',
    });
    expect(decided.body).toEqual([
      {
        id,
        ok: true,
        request: expect.objectContaining({
          state: 'rejected',
          decidedBy: ADMIN,
          decisionComment: 'not now',
        }),
      },
      {
        id: other,
        ok: true,
        request: expect.objectContaining({ state: 'rejected' }),
      },
      {
        id: 'no-such-request',
        ok: false,
        error: 'No key request no-such-request',
      },
    ]);
    const again = await decide(ADMIN, { ids: [id], decision: 'approve' });
    expect(again.body).toEqual([
      {
        id,
        ok: false,
        error: `Key request ${id} is already decided: rejected`,
      },
    ]);

    const badDecision = await decide(ADMIN, { ids: [], decision: 'maybe' });
    expect(badDecision.status).toBe(400);
    expect(badDecision.body.error.message).toMatch(
      /^Invalid request body: ids: Array must contain at least 1 element\(s\); decision: Invalid enum value/,
    );
  });

  it('keeps an approval that cannot issue yet, with a warning', async () => {
    const id = await requestId(DEV_B, QWEN, 'later');
    const res = await decide(ADMIN, { ids: [id], decision: 'approve' });
    expect(res.body).toEqual([
      {
        id,
        ok: true,
        request: expect.objectContaining({
          state: 'approved',
          decidedBy: ADMIN,
        }),
        warning: expect.stringMatching(
          /^Approved, but the key is not out yet \(.*\); the portal retries within minutes$/,
        ),
      },
    ]);
  });

  it('answers 404 for unknown keys, and audits for holders of maas.audit.read only', async () => {
    for (const action of ['reveal', 'revoke', 'rotate']) {
      const res = await request(server)
        .post(`/api/maas/keys/nope/${action}`)
        .set(as(DEV_A));
      expect(res.status).toBe(404);
      expect(res.body.error.message).toBe('No key nope');
    }
    const tierChange = await request(server)
      .post('/api/maas/keys/nope/tier-change')
      .set(as(DEV_A))
      .send({ tier: 'premium' });
    expect(tierChange.status).toBe(400);
    expect(tierChange.body.error.message).toBe(
      'Invalid request body: reason: Required',
    );

    expect(
      (await request(server).get('/api/maas/keys').set(as(DEV_A))).body,
    ).toEqual([]);

    const denied = await request(server).get('/api/maas/audit').set(as(DEV_A));
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toBe(
      'You lack the maas.audit.read permission',
    );
    const badLimit = await request(server)
      .get('/api/maas/audit?limit=0')
      .set(as(ADMIN));
    expect(badLimit.status).toBe(400);
    const audit = await request(server)
      .get(`/api/maas/audit?entityRef=${QWEN}&limit=5`)
      .set(as(ADMIN));
    expect(audit.status).toBe(200);
    expect(audit.body).toHaveLength(5);
    expect(audit.body[0]).toMatchObject({
      action: 'request.approved',
      actor: ADMIN,
      fromState: 'pending',
      toState: 'approved',
      entityRef: QWEN,
    });
  });

  const binding = (user: string, entityRef: string) =>
    request(server)
      .get(`/api/maas/models/by-entity/binding?entityRef=${entityRef}`)
      .set(as(user));
  const adopt = (user: string, entityRef: string) =>
    request(server)
      .post(`/api/maas/models/by-entity/adopt?entityRef=${entityRef}`)
      .set(as(user));
  const usage = (user: string, entityRef: string) =>
    request(server)
      .get(`/api/maas/models/by-entity/usage?entityRef=${entityRef}&range=1h`)
      .set(as(user));

  it('gives a mirror entity (team b, pointing at qwen3) no key, no usage and no decision', async () => {
    const notBound = `The InferenceService ${ns}/qwen3 belongs to ${QWEN}, not to ${MIRROR}: keys and usage of the model are on ${QWEN}`;
    const asked = await newRequest(DEV_B, {
      entityRef: MIRROR,
      tier: 'enterprise',
      reason: 'mine now',
    });
    expect([asked.status, asked.body.error?.message]).toEqual([409, notBound]);
    const read = await usage(DEV_B, MIRROR);
    expect([read.status, read.body.error?.message]).toEqual([409, notBound]);
    expect((await binding(DEV_B, MIRROR)).body).toEqual({
      entityRef: MIRROR,
      inferenceService: `${ns}/qwen3`,
      bound: false,
      reason: notBound,
      canAdopt: false,
    });

    // Bob holds maas.key.approve on his mirror, not on qwen3: Jane's request is not his to decide.
    const janes = await requestId(DEV_A, QWEN, 'eval');
    expect(
      (await decide(DEV_B, { ids: [janes], decision: 'approve' })).body,
    ).toEqual([
      {
        id: janes,
        ok: false,
        error: `You lack the maas.key.approve permission on ${QWEN}`,
      },
    ]);
    await request(server)
      .post(`/api/maas/keys/requests/${janes}/cancel`)
      .set(as(DEV_A))
      .expect(200);
  });

  it('refuses self-approval (four eyes), to the model owner and to an admin; the other may decide', async () => {
    const janes = await requestId(DEV_A, QWEN, 'own');
    const bosses = await requestId(ADMIN, QWEN, 'own');
    const own = (id: string) =>
      `Key request ${id} is your own; another approver must decide it (four eyes; maas.approvals.allowSelfApproval turns this off)`;
    expect(
      (await decide(DEV_A, { ids: [janes], decision: 'approve' })).body,
    ).toEqual([{ id: janes, ok: false, error: own(janes) }]);
    expect(
      (await decide(ADMIN, { ids: [bosses], decision: 'approve' })).body,
    ).toEqual([{ id: bosses, ok: false, error: own(bosses) }]);
    // Jane is qwen3's owner as its InferenceService records it; the admin is an admin.
    const byJane = await decide(DEV_A, {
      ids: [bosses],
      decision: 'reject',
      comment: 'not for you',
    });
    expect(byJane.body[0]).toMatchObject({
      ok: true,
      request: { state: 'rejected', decidedBy: DEV_A },
    });
    const byBoss = await decide(ADMIN, {
      ids: [janes],
      decision: 'reject',
      comment: 'not now',
    });
    expect(byBoss.body[0]).toMatchObject({
      ok: true,
      request: { state: 'rejected', decidedBy: ADMIN },
    });
  });

  it('says when an entity is not bound, and lets only an admin adopt its model', async () => {
    const reason = `The InferenceService ${ns}/seed names no catalog entity (annotation ${MAAS_BOUND_ENTITY_ANNOTATION}): it was deployed outside the portal. An admin can adopt it for ${SEED}.`;
    expect((await binding(DEV_A, SEED)).body).toEqual({
      entityRef: SEED,
      inferenceService: `${ns}/seed`,
      bound: false,
      reason,
      canAdopt: false,
    });
    expect((await binding(ADMIN, SEED)).body.canAdopt).toBe(true);
    const asked = await newRequest(DEV_A, {
      entityRef: SEED,
      tier: 'premium',
      reason: 'x',
    });
    expect([asked.status, asked.body.error?.message]).toEqual([409, reason]);
    expect((await usage(DEV_A, SEED)).status).toBe(409);

    const byDev = await adopt(DEV_A, SEED);
    expect([byDev.status, byDev.body.error?.message]).toEqual([
      403,
      'Adopting a model takes membership of one of maas.adminGroups',
    ]);
    const ofMirror = await adopt(ADMIN, MIRROR);
    expect(ofMirror.status).toBe(409);
    expect(ofMirror.body.error.message).toMatch(`belongs to ${QWEN}`);

    const byAdmin = await adopt(ADMIN, SEED);
    expect([byAdmin.status, byAdmin.body]).toEqual([
      201,
      {
        entityRef: SEED,
        inferenceService: `${ns}/seed`,
        bound: true,
        owner: TEAM_A,
        canAdopt: false,
        canSeeOutsideKeys: true,
      },
    ]);
    const isvc = (await kc
      .makeApiClient(CustomObjectsApi)
      .getNamespacedCustomObject({
        group: INFERENCE_SERVICE.group,
        version: INFERENCE_SERVICE.version,
        plural: INFERENCE_SERVICE.plural,
        namespace: ns,
        name: 'seed',
      })) as { metadata: { annotations: Record<string, string> } };
    expect(isvc.metadata.annotations).toMatchObject({
      [MAAS_BOUND_ENTITY_ANNOTATION]: SEED,
      [MAAS_MODEL_OWNER_ANNOTATION]: TEAM_A,
    });
    await eventually(async () =>
      expect((await binding(DEV_A, SEED)).body.bound).toBe(true),
    );
    const now = await newRequest(DEV_A, {
      entityRef: SEED,
      tier: 'premium',
      reason: 'x',
    });
    expect(now.status).toBe(201);
  });

  it('never lets 20 parallel requests exceed the cap', async () => {
    // Carol, a developer with nothing open yet; the cap is 3.
    const CAROL = 'user:default/carol';
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        newRequest(CAROL, {
          entityRef: QWEN,
          tier: 'premium',
          reason: `n${i}`,
        }),
      ),
    );
    const statuses = answers.map(a => a.status);
    expect(statuses.filter(s => s === 201)).toHaveLength(3);
    expect(statuses.filter(s => s === 409)).toHaveLength(17);
    const mine = await request(server)
      .get(`/api/maas/keys/requests?mine=true&entityRef=${QWEN}&state=pending`)
      .set(as(CAROL));
    expect(mine.body).toHaveLength(3);
  });

  it('lets a requester decide their own request when maas.approvals.allowSelfApproval is on (single-admin installs)', async () => {
    const single = await startPortal({
      approvals: { allowSelfApproval: true },
      keys: { namespace: 'no-such-namespace' },
    });
    const asked = await eventually(async () => {
      const res = await request(single)
        .post('/api/maas/keys/requests')
        .set(as(ADMIN))
        .send({ entityRef: QWEN, tier: 'premium', reason: 'alone' });
      if (res.status !== 201) throw new Error(JSON.stringify(res.body));
      return res.body.request.id as string;
    }, 30_000);
    const decided = await request(single)
      .post('/api/maas/keys/requests/decisions')
      .set(as(ADMIN))
      .send({ ids: [asked], decision: 'reject', comment: 'alone' });
    expect(decided.body[0]).toMatchObject({
      id: asked,
      ok: true,
      request: { state: 'rejected', decidedBy: ADMIN },
    });
  });

  it("hides an earlier model's requests from the owner of a model re-created under its name", async () => {
    const pendingIds = async (user: string) =>
      (
        await request(server)
          .get(`/api/maas/keys/requests?entityRef=${REBORN}&state=pending`)
          .set(as(user))
      ).body.map((r: { id: string }) => r.id);
    const bobs = await requestId(DEV_B, REBORN, 'before');
    expect(await pendingIds(DEV_A)).toEqual([bobs]);

    const api = kc.makeApiClient(CustomObjectsApi);
    const target = {
      group: INFERENCE_SERVICE.group,
      version: INFERENCE_SERVICE.version,
      plural: INFERENCE_SERVICE.plural,
      namespace: ns,
    };
    const before = (await api.getNamespacedCustomObject({
      ...target,
      name: 'reborn',
    })) as { metadata: { uid: string } };
    await api.deleteNamespacedCustomObject({ ...target, name: 'reborn' });
    await createObject(kc, INFERENCE_SERVICE, rebornIsvc() as any);

    // Once the portal has seen the new object, Jane (its owner) no longer sees Bob's old request.
    await eventually(async () => {
      const ids = await pendingIds(DEV_A);
      if (ids.length) throw new Error(`still shown: ${ids}`);
    }, 30_000);
    expect(await pendingIds(DEV_B)).toEqual([bobs]);
    expect(
      (await decide(ADMIN, { ids: [bobs], decision: 'approve' })).body,
    ).toEqual([
      {
        id: bobs,
        ok: false,
        error: `Key request ${bobs} was made for an earlier model named ${ns}/reborn, deleted since`,
      },
    ]);
    const after = (await api.getNamespacedCustomObject({
      ...target,
      name: 'reborn',
    })) as { metadata: { uid: string } };
    expect(after.metadata.uid).not.toBe(before.metadata.uid);
  });

  it("LOW: answers a developer's refusals (403) in sentences, with no internal URL, object dump or stack", async () => {
    // Seed: adopted above, with one open request of team A's developer (qwen3 is at the cap).
    const id = await requestId(DEV_A, SEED, 'own');
    expect(id).toEqual(expect.any(String));
    const refused = {
      'the audit, to team A': await request(server)
        .get('/api/maas/audit')
        .set(as(DEV_A)),
      'adopting, to team B': await adopt(DEV_B, MIRROR),
      "cancelling team A's request, to team B": await request(server)
        .post(`/api/maas/keys/requests/${id}/cancel`)
        .set(as(DEV_B)),
      'costs, to team B': await request(server)
        .get('/api/maas/costs?range=7d')
        .set(as(DEV_B)),
    };
    for (const [what, res] of Object.entries(refused)) {
      const { message, stack } = res.body.error ?? {};
      expect({ what, status: res.status }).toEqual({ what, status: 403 });
      expect({ what, message }).toEqual({
        what,
        message: expect.stringMatching(/^[A-Z].{20,}$/),
      });
      expect({ what, message }).not.toEqual({
        what,
        message: expect.stringMatching(/https?:\/\/|\{"|\bat \S+ \(/),
      });
      expect({ what, stack }).toEqual({ what, stack: undefined });
    }
  });
});
