/*
 * Issue #19: a model made by Create model (the real scaffolder running templates/create-model, the
 * catalog module registering it from the cluster) with keys of the portal, called through the
 * harness gateway as a client does (the real kuadrant-operator's config, Authorino over gRPC,
 * Limitador, the InferenceService's own simulator): a key requested by a developer of the model's
 * team, refused to its requester and to another team's developer, approved by an admin, revealed
 * once and answered 200; revoked → 401 within a second; rotated → both keys during the overlap, then
 * only the new one; the InferenceService deleted and the model created again under its name → the
 * old key 401, a new one 200. The portal's backend runs with the real permission backend and the
 * portal's example policy; key Secrets in the Kuadrant namespace, where Authorino reads them.
 */
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import catalogEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import {
  callModel,
  chatBody,
  createTestNamespace,
  deleteTestNamespace,
  eventually,
  harnessEnv,
  harnessKubeConfig,
  httpGatewaySpec,
  waitForGateway,
  waitForPolicy,
} from '@maas-portal/harness/testing';
import catalogModuleMaas from '@maas-portal/plugin-catalog-backend-module-maas';
import scaffolderModuleMaas from '@maas-portal/plugin-scaffolder-backend-module-maas';
import request from 'supertest';
import {
  createModelOrgEntities,
  createModelTemplateEntity,
  ENTITY_TASK,
  KEY_TASK,
  runCreateModel,
  simulatorModelValues,
} from './__testUtils__/createModelTemplate';
import {
  ADMIN,
  authorizationOf,
  DEV_A,
  DEV_B,
  startPortalTestBackend,
  User,
} from './__testUtils__/portalTestBackend';

jest.setTimeout(300_000);

const MODEL = 'cmsim';
const ENTITY = `component:default/${MODEL}`;
/** The shortest overlap the config takes (whole minutes): the test waits it out. */
const OVERLAP_MINUTES = 1;
/**
 * The portal's free (approved at once) and premium (approved by someone else) tiers, with limits
 * far above the calls made here: every refusal this test sees is the key's, never a rate limit's.
 */
const TIERS = ['free', 'premium'].map(name => ({
  name,
  requests: { limit: 1000, window: '2m' },
  tokens: { limit: 1000000, window: '1m' },
}));

describe('a model made by Create model, called through the gateway with keys of the portal', () => {
  let kc: KubeConfig;
  let ns: string;
  let backend: Awaited<ReturnType<typeof startPortalTestBackend>>;
  const scheduler = mockServices.scheduler();
  /** The model's host name on the test Gateway, as the form gives it. */
  const host = () => `${MODEL}-${ns}.maas.local`;
  const limitadorNamespace = () => `${ns}/${MODEL}-route`;

  const get = (path: string, user: User) =>
    request(backend.server)
      .get(`/api/maas${path}`)
      .set('Authorization', authorizationOf(user));
  const post = (path: string, user: User, body: object = {}) =>
    request(backend.server)
      .post(`/api/maas${path}`)
      .set('Authorization', authorizationOf(user))
      .send(body);

  /** Create model run by the admin, and the model in the catalog and served through the gateway. */
  async function createModel() {
    const run = await runCreateModel(
      backend.server,
      authorizationOf(ADMIN),
      simulatorModelValues({
        name: MODEL,
        namespace: ns,
        hostname: host(),
        owner: 'group:default/team-a',
        tiers: TIERS,
      }),
      60_000,
    );
    // The log of its steps when it did not complete: it says why.
    expect(run.status === 'completed' ? run.status : run.log).toBe('completed');
    await eventually(async () => {
      await scheduler.triggerTask(ENTITY_TASK);
      const entity = await request(backend.server)
        .get(`/api/catalog/entities/by-name/component/default/${MODEL}`)
        .set('Authorization', authorizationOf(ADMIN));
      if (entity.status !== 200) throw new Error(`entity: ${entity.status}`);
    }, 30_000);
    for (const [kind, name] of [
      ['AuthPolicy', `${MODEL}-auth`],
      ['RateLimitPolicy', `${MODEL}-rate-limits`],
    ] as const)
      await waitForPolicy(
        kind,
        { namespace: ns, name },
        { kc, timeoutMs: 120_000 },
      );
    await waitForGateway(host(), {
      limitadorNamespace: limitadorNamespace(),
      timeoutMs: 120_000,
    });
  }

  /** A chat completion with `key` on the model's host, through the gateway. */
  const call = (key: string) =>
    callModel({ host: host(), key, body: chatBody(MODEL) });
  const statusOf = async (key: string) => (await call(key)).status;
  /** Until a call with `key` answers `expected` (Authorino takes a new key Secret within moments). */
  const settles = (key: string, expected: number) =>
    eventually(async () => expect(await statusOf(key)).toBe(expected), 20_000);

  /** A free key of `user`: approved at once, its value in the answer (shown once). */
  async function freeKey(user: User) {
    const res = await eventually(async () => {
      const asked = await post('/keys/requests', user, {
        entityRef: ENTITY,
        tier: 'free',
        reason: 'create model traffic',
      });
      // Until the portal's caches have the model the catalog serves (right after Create model).
      if (asked.status !== 201)
        throw new Error(`${asked.status} ${asked.text}`);
      return asked;
    }, 30_000);
    expect(res.body.request.state).toBe('issued');
    return res.body.issued as { key: { id: string }; value: string };
  }
  /** `user`'s keys of the model, by id. */
  async function keysOf(user: User) {
    const res = await get(`/keys?entityRef=${ENTITY}`, user);
    expect(res.status).toBe(200);
    return new Map(
      (res.body as Array<{ id: string; state: string }>).map(k => [k.id, k]),
    );
  }
  /** Milliseconds from `revoke()` until the gateway refuses `key` with 401, polled every 20 ms. */
  async function msUntil401(key: string, revoke: () => Promise<void>) {
    const revokedAt = Date.now();
    await revoke();
    while ((await statusOf(key)) !== 401) {
      if (Date.now() - revokedAt > 30_000)
        throw new Error('still let through 30 s after revoke');
      await new Promise(r => setTimeout(r, 20));
    }
    return Date.now() - revokedAt;
  }

  beforeAll(async () => {
    harnessEnv('MAAS_HARNESS_GATEWAY_URL');
    kc = harnessKubeConfig();
    ns = await createTestNamespace(kc, 'cmtraffic');
    await KubernetesObjectApi.makeApiClient(kc).create({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'inference-gateway', namespace: ns },
      spec: httpGatewaySpec(),
    });
    backend = await startPortalTestBackend({
      kc,
      ns,
      maas: {
        gateway: { name: 'inference-gateway', namespace: ns },
        create: { namespaces: [{ namespace: ns }] },
        keys: {
          namespace: 'kuadrant-system',
          maxActivePerUserAndModel: 100,
          rotationOverlapMinutes: OVERLAP_MINUTES,
        },
        approvals: { allowSelfApproval: false },
      },
      entities: [createModelTemplateEntity(), ...createModelOrgEntities()],
      features: [
        catalogEntityModel,
        catalogModuleMaas,
        scaffolderPlugin,
        scaffolderModuleMaas,
        // Scheduled tasks run when the test triggers them, not on a timer.
        createServiceFactory({
          service: coreServices.scheduler,
          deps: {},
          factory: () => scheduler,
        }),
      ],
    });
    await eventually(async () => {
      const template = await request(backend.server)
        .get('/api/catalog/entities/by-name/template/default/create-model')
        .set('Authorization', authorizationOf(ADMIN));
      if (template.status !== 200)
        throw new Error(`template: ${template.status}`);
    }, 60_000);
    await createModel();
  }, 300_000);

  afterAll(async () => {
    await backend?.stop();
    if (ns) await deleteTestNamespace(kc, ns);
  });

  /** Kept in memory only, never logged. */
  let premium: { id: string; value: string };

  it("issues a premium key only after another approver (four eyes; another team's developer may not), shows it once, and the gateway answers 200 with the simulator's completion", async () => {
    const asked = await eventually(async () => {
      const res = await post('/keys/requests', DEV_A, {
        entityRef: ENTITY,
        tier: 'premium',
        reason: 'create model traffic',
      });
      if (res.status !== 201) throw new Error(`${res.status} ${res.text}`);
      return res;
    }, 30_000);
    expect(asked.body.request.state).toBe('pending');
    expect(asked.body.issued).toBeUndefined();
    const id = asked.body.request.id;
    const decide = (user: User) =>
      post('/keys/requests/decisions', user, {
        ids: [id],
        decision: 'approve',
      });
    expect((await decide(DEV_A)).body).toEqual([
      {
        id,
        ok: false,
        error: `Key request ${id} is your own; another approver must decide it (four eyes; maas.approvals.allowSelfApproval turns this off)`,
      },
    ]);
    expect((await decide(DEV_B)).body).toEqual([
      {
        id,
        ok: false,
        error: `You lack the maas.key.approve permission on ${ENTITY}`,
      },
    ]);
    const approved = await decide(ADMIN);
    expect(approved.body).toEqual([
      expect.objectContaining({
        id,
        ok: true,
        request: expect.objectContaining({ state: 'issued' }),
      }),
    ]);
    const keyId = approved.body[0].request.keyId as string;

    expect((await post(`/keys/${keyId}/reveal`, DEV_B)).status).toBe(403);
    const shown = await post(`/keys/${keyId}/reveal`, DEV_A);
    expect(shown.status).toBe(200);
    expect(shown.body.key).toMatchObject({ id: keyId, tier: 'premium' });
    expect((await post(`/keys/${keyId}/reveal`, DEV_A)).status).toBe(409);
    premium = { id: keyId, value: shown.body.value };

    await settles(premium.value, 200);
    const answer = await call(premium.value);
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      model: MODEL,
      choices: [
        { message: { role: 'assistant', content: expect.any(String) } },
      ],
      usage: { completion_tokens: expect.any(Number) },
    });
    // A key of the model, not any key: one character off is refused.
    expect(await statusOf(`${premium.value}x`)).toBe(401);
  });

  it("is refused with 401 through the gateway within a second of its owner's revoke (another team's developer may not revoke it)", async () => {
    expect(premium).toBeDefined();
    const refused = await post(`/keys/${premium.id}/revoke`, DEV_B);
    expect(refused.status).toBe(403);
    expect(await statusOf(premium.value)).toBe(200);

    const revokeBy = (id: string) => async () => {
      const res = await post(`/keys/${id}/revoke`, DEV_A);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id, state: 'revoked' });
    };
    const took = [await msUntil401(premium.value, revokeBy(premium.id))];
    // Four more of the developer's keys, free ones, for figures beyond one sample.
    for (let i = 0; i < 4; i++) {
      const key = await freeKey(DEV_A);
      await settles(key.value, 200);
      took.push(await msUntil401(key.value, revokeBy(key.key.id)));
    }
    process.stderr.write(
      `[create-model traffic] revoke (POST /keys/{id}/revoke) -> 401 through the gateway after ${took.join(
        ', ',
      )} ms\n`,
    );
    expect(Math.max(...took)).toBeLessThan(1_000);
    expect(await statusOf(premium.value)).toBe(401);
  });

  /** The key that replaced a rotated one: the model's live key for the last test. */
  let rotatedTo: { id: string; value: string };

  it('lets both keys of a rotation through during its overlap, then only the new one once the key task has ended it', async () => {
    const old = await freeKey(DEV_A);
    await settles(old.value, 200);
    expect((await post(`/keys/${old.key.id}/rotate`, DEV_B)).status).toBe(403);
    const rotated = await post(`/keys/${old.key.id}/rotate`, DEV_A);
    expect(rotated.status).toBe(201);
    rotatedTo = { id: rotated.body.key.id, value: rotated.body.value };
    await settles(rotatedTo.value, 200);
    expect(await statusOf(old.value)).toBe(200);

    // The key task within the overlap leaves the old key working.
    await scheduler.triggerTask(KEY_TASK);
    const during = (await keysOf(DEV_A)).get(old.key.id) as any;
    expect(during).toMatchObject({
      state: 'rotating',
      replacedBy: rotatedTo.id,
    });
    expect(await statusOf(old.value)).toBe(200);

    // Then past the overlap's end (the portal's own clock): the task ends it, the gateway follows.
    const wait = new Date(during.overlapUntil).getTime() - Date.now();
    expect(wait).toBeLessThanOrEqual(OVERLAP_MINUTES * 60_000);
    await new Promise(r => setTimeout(r, Math.max(0, wait) + 500));
    await scheduler.triggerTask(KEY_TASK);
    expect((await keysOf(DEV_A)).get(old.key.id)).toMatchObject({
      state: 'rotated',
    });
    await settles(old.value, 401);
    expect(await statusOf(rotatedTo.value)).toBe(200);
  });

  it('refuses the old key with 401 once the InferenceService is deleted and Create model makes the model again under its name; a key of the new model answers 200', async () => {
    expect(rotatedTo).toBeDefined();
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const isvc = {
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata: { name: MODEL, namespace: ns },
    };
    const uidBefore = (await objects.read(isvc)).metadata!.uid;
    // As `kubectl delete isvc`: its route and policies stay.
    await objects.delete(isvc);
    await eventually(async () => {
      const status = await objects
        .read(isvc)
        .then(() => 200)
        .catch(e => e.code);
      if (status !== 404) throw new Error(`InferenceService: ${status}`);
    }, 20_000);

    await createModel();
    expect((await objects.read(isvc)).metadata!.uid).not.toBe(uidBefore);
    await settles(rotatedTo.value, 401);
    const fresh = await freeKey(DEV_A);
    await settles(fresh.value, 200);
    expect(await statusOf(rotatedTo.value)).toBe(401);

    // The key task then revokes the earlier model's key in the portal too.
    await scheduler.triggerTask(KEY_TASK);
    const keys = await keysOf(DEV_A);
    expect(keys.get(rotatedTo.id)).toMatchObject({
      state: 'revoked',
      revokedBy: 'maas:scheduler',
    });
    expect(keys.get(fresh.key.id)).toMatchObject({ state: 'active' });
    expect(await statusOf(fresh.value)).toBe(200);
  });
});
