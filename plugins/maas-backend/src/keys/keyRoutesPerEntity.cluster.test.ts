/* The keys router over HTTP with three users, part two: what the model entity decides (a mirror entity, an unbound model and its adoption, a model re-created under its name), who may approve (four eyes, maas.approvals.allowSelfApproval), and a developer's refusals in sentences (on the adopted model). */
import { CustomObjectsApi } from '@kubernetes/client-node';
import { eventually } from '@maas-portal/harness/testing';
import {
  MAAS_BOUND_ENTITY_ANNOTATION,
  MAAS_MODEL_OWNER_ANNOTATION,
} from '@maas-portal/plugin-maas-common';
import { INFERENCE_SERVICE } from '@maas-portal/plugin-maas-node';
import request from 'supertest';
import { createObject } from '../__testUtils__/harness';
import { ADMIN, as, DEV_A, DEV_B, TEAM_A } from '../__testUtils__/testUsers';
import {
  MIRROR,
  QWEN,
  REBORN,
  SEED,
  useKeysRouterBed,
} from '../__testUtils__/keysRouterBed';

jest.setTimeout(60_000);

describe('key routes per model entity and approver, with three users, on the harness', () => {
  const bed = useKeysRouterBed();

  it('gives a mirror entity (team b, pointing at qwen3) no key, no usage and no decision', async () => {
    const notBound = `The InferenceService ${bed.ns}/qwen3 belongs to ${QWEN}, not to ${MIRROR}: keys and usage of the model are on ${QWEN}`;
    const asked = await bed.newRequest(DEV_B, {
      entityRef: MIRROR,
      tier: 'enterprise',
      reason: 'mine now',
    });
    expect([asked.status, asked.body.error?.message]).toEqual([409, notBound]);
    const read = await bed.usage(DEV_B, MIRROR);
    expect([read.status, read.body.error?.message]).toEqual([409, notBound]);
    expect((await bed.binding(DEV_B, MIRROR)).body).toEqual({
      entityRef: MIRROR,
      inferenceService: `${bed.ns}/qwen3`,
      bound: false,
      reason: notBound,
      canAdopt: false,
    });

    // Bob holds maas.key.approve on his mirror, not on qwen3: Jane's request is not his to decide.
    const janes = await bed.requestId(DEV_A, QWEN, 'eval');
    expect(
      (await bed.decide(DEV_B, { ids: [janes], decision: 'approve' })).body,
    ).toEqual([
      {
        id: janes,
        ok: false,
        error: `You lack the maas.key.approve permission on ${QWEN}`,
      },
    ]);
    await request(bed.server)
      .post(`/api/maas/keys/requests/${janes}/cancel`)
      .set(as(DEV_A))
      .expect(200);
  });

  it('refuses self-approval (four eyes), to the model owner and to an admin; the other may decide', async () => {
    const janes = await bed.requestId(DEV_A, QWEN, 'own');
    const bosses = await bed.requestId(ADMIN, QWEN, 'own');
    const own = (id: string) =>
      `Key request ${id} is your own; another approver must decide it (four eyes; maas.approvals.allowSelfApproval turns this off)`;
    expect(
      (await bed.decide(DEV_A, { ids: [janes], decision: 'approve' })).body,
    ).toEqual([{ id: janes, ok: false, error: own(janes) }]);
    expect(
      (await bed.decide(ADMIN, { ids: [bosses], decision: 'approve' })).body,
    ).toEqual([{ id: bosses, ok: false, error: own(bosses) }]);
    // Jane is qwen3's owner as its InferenceService records it; the admin is an admin.
    const byJane = await bed.decide(DEV_A, {
      ids: [bosses],
      decision: 'reject',
      comment: 'not for you',
    });
    expect(byJane.body[0]).toMatchObject({
      ok: true,
      request: { state: 'rejected', decidedBy: DEV_A },
    });
    const byBoss = await bed.decide(ADMIN, {
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
    const reason = `The InferenceService ${bed.ns}/seed names no catalog entity (annotation ${MAAS_BOUND_ENTITY_ANNOTATION}): it was deployed outside the portal. An admin can adopt it for ${SEED}.`;
    expect((await bed.binding(DEV_A, SEED)).body).toEqual({
      entityRef: SEED,
      inferenceService: `${bed.ns}/seed`,
      bound: false,
      reason,
      canAdopt: false,
    });
    expect((await bed.binding(ADMIN, SEED)).body.canAdopt).toBe(true);
    const asked = await bed.newRequest(DEV_A, {
      entityRef: SEED,
      tier: 'premium',
      reason: 'x',
    });
    expect([asked.status, asked.body.error?.message]).toEqual([409, reason]);
    expect((await bed.usage(DEV_A, SEED)).status).toBe(409);

    const byDev = await bed.adopt(DEV_A, SEED);
    expect([byDev.status, byDev.body.error?.message]).toEqual([
      403,
      'Adopting a model takes membership of one of maas.adminGroups',
    ]);
    const ofMirror = await bed.adopt(ADMIN, MIRROR);
    expect(ofMirror.status).toBe(409);
    expect(ofMirror.body.error.message).toMatch(`belongs to ${QWEN}`);

    const byAdmin = await bed.adopt(ADMIN, SEED);
    expect([byAdmin.status, byAdmin.body]).toEqual([
      201,
      {
        entityRef: SEED,
        inferenceService: `${bed.ns}/seed`,
        bound: true,
        owner: TEAM_A,
        canAdopt: false,
        canSeeOutsideKeys: true,
      },
    ]);
    const isvc = (await bed.kc
      .makeApiClient(CustomObjectsApi)
      .getNamespacedCustomObject({
        group: INFERENCE_SERVICE.group,
        version: INFERENCE_SERVICE.version,
        plural: INFERENCE_SERVICE.plural,
        namespace: bed.ns,
        name: 'seed',
      })) as { metadata: { annotations: Record<string, string> } };
    expect(isvc.metadata.annotations).toMatchObject({
      [MAAS_BOUND_ENTITY_ANNOTATION]: SEED,
      [MAAS_MODEL_OWNER_ANNOTATION]: TEAM_A,
    });
    await eventually(async () =>
      expect((await bed.binding(DEV_A, SEED)).body.bound).toBe(true),
    );
    const now = await bed.newRequest(DEV_A, {
      entityRef: SEED,
      tier: 'premium',
      reason: 'x',
    });
    expect(now.status).toBe(201);
  });

  it('lets a requester decide their own request when maas.approvals.allowSelfApproval is on (single-admin installs)', async () => {
    const single = await bed.startPortal({
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
        await request(bed.server)
          .get(`/api/maas/keys/requests?entityRef=${REBORN}&state=pending`)
          .set(as(user))
      ).body.map((r: { id: string }) => r.id);
    const bobs = await bed.requestId(DEV_B, REBORN, 'before');
    expect(await pendingIds(DEV_A)).toEqual([bobs]);

    const api = bed.kc.makeApiClient(CustomObjectsApi);
    const target = {
      group: INFERENCE_SERVICE.group,
      version: INFERENCE_SERVICE.version,
      plural: INFERENCE_SERVICE.plural,
      namespace: bed.ns,
    };
    const before = (await api.getNamespacedCustomObject({
      ...target,
      name: 'reborn',
    })) as { metadata: { uid: string } };
    await api.deleteNamespacedCustomObject({ ...target, name: 'reborn' });
    await createObject(bed.kc, INFERENCE_SERVICE, bed.rebornIsvc() as any);

    // Once the portal has seen the new object, Jane (its owner) no longer sees Bob's old request.
    await eventually(async () => {
      const ids = await pendingIds(DEV_A);
      if (ids.length) throw new Error(`still shown: ${ids}`);
    }, 30_000);
    expect(await pendingIds(DEV_B)).toEqual([bobs]);
    expect(
      (await bed.decide(ADMIN, { ids: [bobs], decision: 'approve' })).body,
    ).toEqual([
      {
        id: bobs,
        ok: false,
        error: `Key request ${bobs} was made for an earlier model named ${bed.ns}/reborn, deleted since`,
      },
    ]);
    const after = (await api.getNamespacedCustomObject({
      ...target,
      name: 'reborn',
    })) as { metadata: { uid: string } };
    expect(after.metadata.uid).not.toBe(before.metadata.uid);
  });

  it("LOW: answers a developer's refusals (403) in sentences, with no internal URL, object dump or stack", async () => {
    // Seed: adopted above, with one open request of team A's developer.
    const id = await bed.requestId(DEV_A, SEED, 'own');
    expect(id).toEqual(expect.any(String));
    const refused = {
      'the audit, to team A': await request(bed.server)
        .get('/api/maas/audit')
        .set(as(DEV_A)),
      'adopting, to team B': await bed.adopt(DEV_B, MIRROR),
      "cancelling team A's request, to team B": await request(bed.server)
        .post(`/api/maas/keys/requests/${id}/cancel`)
        .set(as(DEV_B)),
      'costs, to team B': await request(bed.server)
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
