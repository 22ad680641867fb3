import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import {
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  V1Secret,
} from '@kubernetes/client-node';
import { randomUUID } from 'node:crypto';
import { readMaasConfig } from '../config/MaasConfig';
import {
  createTestNamespace,
  deleteTestNamespace,
  harnessEnv,
  harnessKubeConfig,
} from '@maas-portal/harness/testing';
import { hashApiKey } from './generateApiKey';
import { KeySecrets, keySecretName } from './KeySecrets';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { EntityBindings } from '../entities/EntityBindings';
import { KeyAccess } from '../permissions/keyAccess';
import { PermissionGate } from '../permissions/PermissionGate';
import { createKeyServices, KeyServices } from './createKeyServices';
import { KeyModel } from './KeyRequestService';
import { reconcileKeys } from './reconcileKeys';
import { runKeyTasks } from './scheduleKeyTasks';
import { ISSUE_ATTEMPTS } from './requestStateMachine';
import { KeyDatabase } from './store/KeyDatabase';
import { INFERENCE_SERVICE } from '@maas-portal/plugin-maas-node';
import { createObject, inferenceService } from '../__testUtils__/harness';

jest.setTimeout(120_000);

const BOB = 'user:default/bob';
const BOSS = 'user:default/boss';
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

async function expectError(
  promise: Promise<unknown>,
  type: new (...args: any[]) => Error,
  message: RegExp | string,
) {
  let thrown: unknown;
  try {
    await promise;
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(type);
  if (typeof message === 'string')
    expect((thrown as Error).message).toBe(message);
  else expect((thrown as Error).message).toMatch(message);
}

/** Only the key's owner may `verb` it: `call`, made by someone else, is refused naming the owner. */
async function expectOwnerOnly(
  call: Promise<unknown>,
  owner: string,
  verb: string,
  keyId: string,
) {
  await expectError(
    call,
    NotAllowedError,
    `Only ${owner}, its owner, can ${verb} key ${keyId}`,
  );
}

describe('the key flow against the real API server', () => {
  beforeAll(() => {
    harnessEnv('MAAS_HARNESS_KUBECONFIG');
    harnessEnv('BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING');
  });

  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let kc: KubeConfig;
    let core: CoreV1Api;
    let ns: string;
    let db: KeyDatabase;
    let keys: KeyServices;
    let secrets: KeySecrets;
    let clock: number;
    const logger = mockServices.logger.mock();
    const notifications = { send: jest.fn(async () => undefined) };
    const auditor = mockServices.auditor.mock({
      createEvent: jest.fn(async () => ({
        success: jest.fn(async () => undefined),
        fail: jest.fn(async () => undefined),
      })),
    });
    /** Every key value seen in this file: none may reach the logger. */
    const values: string[] = [];
    let model: KeyModel;
    let modelUid: string;

    const readSecret = (name: string) =>
      core.readNamespacedSecret({ namespace: ns, name });
    const secretExists = async (name: string) => {
      try {
        await readSecret(name);
        return true;
      } catch (error) {
        if ((error as { code?: number }).code === 404) return false;
        throw error;
      }
    };
    const listManagedSecrets = async () =>
      (
        await core.listNamespacedSecret({
          namespace: ns,
          labelSelector: 'app.kubernetes.io/managed-by=maas-backstage',
        })
      ).items;
    const apiKeyOf = (secret: V1Secret) =>
      Buffer.from(secret.data!.api_key, 'base64').toString('utf8');

    beforeAll(async () => {
      kc = harnessKubeConfig();
      core = kc.makeApiClient(CoreV1Api);
      ns = await createTestNamespace(kc, 'keys');
      model = {
        entityRef: 'component:default/qwen3',
        inferenceService: { namespace: ns, name: 'qwen3' },
      };
      const knex = await databases.init(databaseId);
      await KeyDatabase.migrate(knex);
      db = new KeyDatabase(knex);
      // The test namespace holds the model and, as maas.keys.namespace, its key Secrets.
      modelUid = (
        await createObject(kc, INFERENCE_SERVICE, inferenceService(ns, 'qwen3'))
      ).metadata!.uid!;
      secrets = new KeySecrets({
        kubeConfig: kc,
        timeoutMs: 10_000,
        namespace: ns,
        installId: await db.installId(),
      });
      clock = Date.now();
      keys = createKeyServices({
        db,
        secrets,
        config: readMaasConfig(
          new ConfigReader({
            maas: {
              keys: { maxActivePerUserAndModel: 2, rotationOverlapMinutes: 5 },
            },
          }),
        ),
        logger,
        auditor,
        notifications,
        now: () => new Date(clock),
      });
    });

    afterAll(async () => {
      await deleteTestNamespace(kc, ns);
    });

    /** A fresh user per test, so that the per-user cap does not couple tests. */
    const user = () => `user:default/u-${randomUUID().slice(0, 8)}`;

    /** One pass of the reconciler over the test namespace, at `now`, with `graceMs` for young Secrets. */
    const reconcile = (now: Date, graceMs: number) =>
      reconcileKeys({ keys, secrets, logger, namespaces: [ns], now, graceMs });

    /** The scheduled key tasks over the test namespace, at the test's `clock`. */
    const tasksOnTheClock = () => ({
      keys,
      secrets,
      logger,
      namespaces: [ns],
      now: () => new Date(clock),
      graceMs: 0,
    });

    /** A user's request for a key to the model. */
    const ask = (
      owner: string,
      tier: string,
      reason: string,
      expiresInDays?: number,
    ) =>
      keys.requests.createRequest({
        model,
        userEntityRef: owner,
        tier,
        reason,
        expiresInDays,
      });

    /** Who may act, as the routes decide it: only the boss holds maas.key.revoke. */
    const access = new KeyAccess({
      bindings: new EntityBindings({
        userInfo: mockServices.userInfo(),
        adminGroups: [],
      }),
      allowSelfApproval: false,
      gate: new PermissionGate({
        httpAuth: mockServices.httpAuth(),
        permissions: mockServices.permissions.mock({
          authorize: async (requests, options) =>
            requests.map(r => ({
              result:
                r.permission.name !== 'maas.key.revoke' ||
                (options?.credentials.principal as { userEntityRef: string })
                  .userEntityRef === BOSS
                  ? AuthorizeResult.ALLOW
                  : AuthorizeResult.DENY,
            })),
        }),
      }),
    });

    /** The key flow as the routes drive it: KeyAccess decides who may, then a service acts. */
    const service = {
      decide: (...args: Parameters<KeyServices['requests']['decide']>) =>
        keys.requests.decide(...args),
      getKey: (id: string) => keys.operations.getKey(id),
      async cancel(id: string, actor: string) {
        const request = await keys.requests.getRequest(id);
        access.requireRequester(request, actor);
        return keys.requests.cancel(request, actor);
      },
      async reveal(id: string, actor: string) {
        const key = await keys.operations.getKey(id);
        access.requireOwner(key, actor, 'see');
        return keys.operations.reveal(key, actor);
      },
      async rotate(id: string, actor: string) {
        const key = await keys.operations.getKey(id);
        access.requireOwner(key, actor, 'rotate');
        return keys.operations.rotate(key, actor);
      },
      async revoke(id: string, actor: string) {
        const key = await keys.operations.getKey(id);
        const credentials = mockCredentials.user(actor);
        await access.requireRevoke(credentials, key, actor);
        return keys.operations.revoke(key, actor);
      },
      async requestTierChange(
        keyId: string,
        tier: string,
        reason: string,
        actor: string,
      ) {
        const key = await keys.operations.getKey(keyId);
        const credentials = mockCredentials.user(actor);
        await access.requireTierChange(credentials, key, actor);
        return keys.requests.requestTierChange({ key, tier, reason, actor });
      },
    };

    it('issues an automatic tier at once, shows the key once, and writes exactly the Secret the gateway needs', async () => {
      const owner = user();
      const { request, issued } = await ask(owner, 'free', 'trying the model');
      expect(issued).toBeDefined();
      values.push(issued!.value);
      expect(issued!.value).toMatch(/^maas_[A-Za-z0-9_-]{43}$/);
      expect(request).toMatchObject({
        kind: 'new-key',
        state: 'issued',
        tier: 'free',
        keyId: issued!.key.id,
        decidedBy: 'maas:auto-approval',
        model: `${ns}/qwen3`,
      });
      expect(issued!.key).toMatchObject({
        state: 'active',
        tier: 'free',
        revealed: true,
        userEntityRef: owner,
        displayPrefix: `${issued!.value.slice(0, 9)}…`,
      });
      expect(
        new Date(issued!.key.expiresAt!).getTime() -
          new Date(issued!.key.createdAt).getTime(),
      ).toBe(90 * DAY);

      const secret = await readSecret(keySecretName(issued!.key.id));
      const name = owner.split('/')[1];
      expect(secret.type).toBe('Opaque');
      expect(secret.metadata!.labels).toEqual({
        'maas.kuadrant.io/model': 'qwen3',
        'maas.kuadrant.io/model-namespace': ns,
        'maas.kuadrant.io/model-uid': modelUid,
        'kuadrant.io/auth-secret': 'true',
        'authorino.kuadrant.io/managed-by': 'authorino',
        'app.kubernetes.io/managed-by': 'maas-backstage',
        'maas.kuadrant.io/owner': name,
        'maas.kuadrant.io/key-request': request.id,
        'maas.kuadrant.io/key-id': issued!.key.id,
        // The install that wrote it: its own database's id, what its key task reconciles.
        'maas.kuadrant.io/install': await db.installId(),
      });
      expect(secret.metadata!.annotations).toEqual({
        'kuadrant.io/groups': 'free',
        'secret.kuadrant.io/user-id': name,
        'maas.kuadrant.io/user-entity-ref': owner,
        'maas.kuadrant.io/entity-ref': 'component:default/qwen3',
        'secret.kuadrant.io/expires-at': issued!.key.expiresAt,
      });
      expect(Object.keys(secret.data!)).toEqual(['api_key']);
      expect(apiKeyOf(secret)).toBe(issued!.value);
      // The model's AuthPolicy selects key Secrets by these labels in the keys namespace.
      const selected = await core.listNamespacedSecret({
        namespace: ns,
        labelSelector: `maas.kuadrant.io/model=qwen3,maas.kuadrant.io/model-namespace=${ns},maas.kuadrant.io/model-uid=${modelUid},kuadrant.io/auth-secret=true`,
      });
      expect(selected.items.map(s => s.metadata!.name)).toContain(
        keySecretName(issued!.key.id),
      );

      // The database has the hash, never the value.
      const stored = await db.keys.get(issued!.key.id);
      expect(stored!.hash).toBe(hashApiKey(issued!.value));
      expect(JSON.stringify(await db.keys.list())).not.toContain(issued!.value);
      expect(JSON.stringify(await db.audit.list({ limit: 100 }))).not.toContain(
        issued!.value,
      );

      await expectError(
        service.reveal(issued!.key.id, owner),
        ConflictError,
        `Key ${
          issued!.key.id
        } was already shown once; rotate the key to get a new one`,
      );
      const actions = (await db.audit.list({ limit: 100 }))
        .filter(e => [request.id, issued!.key.id].includes(e.subject.id))
        .map(e => e.action);
      expect(actions.sort()).toEqual([
        'key.issued',
        'request.approved',
        'request.created',
        'request.issued',
      ]);
      expect(auditor.createEvent).toHaveBeenCalledWith(
        expect.objectContaining({
          eventId: 'key-key-issued',
          meta: expect.objectContaining({
            subject: { type: 'key', id: issued!.key.id },
          }),
        }),
      );
    });

    it('keeps a manual tier pending until approved, then shows the key once to its owner only', async () => {
      const owner = user();
      const { request, issued } = await ask(
        owner,
        'premium',
        'production use',
        30,
      );
      expect(issued).toBeUndefined();
      expect(request.state).toBe('pending');
      expect(await secretExists(keySecretName(request.id))).toBe(false);

      const { request: decided, warning } = await service.decide(
        request.id,
        'approve',
        BOSS,
        'fine',
      );
      expect(warning).toBeUndefined();
      expect(decided).toMatchObject({
        state: 'issued',
        decidedBy: BOSS,
        decisionComment: 'fine',
        keyId: request.id,
      });
      expect(notifications.send).toHaveBeenCalledWith(
        expect.objectContaining({
          recipients: {
            type: 'entity',
            entityRef: owner,
            excludeEntityRef: BOSS,
          },
          payload: expect.objectContaining({
            title: `API key request (premium) for ${ns}/qwen3 approved`,
            description: `${BOSS}: fine`,
          }),
        }),
      );
      const key = await service.getKey(decided.keyId!);
      expect(key).toMatchObject({
        state: 'active',
        tier: 'premium',
        revealed: false,
      });
      expect(
        new Date(key.expiresAt!).getTime() - new Date(key.createdAt).getTime(),
      ).toBe(30 * DAY);
      expect(
        (await readSecret(keySecretName(key.id))).metadata!.annotations![
          'kuadrant.io/groups'
        ],
      ).toBe('premium');

      await expectOwnerOnly(service.reveal(key.id, BOB), owner, 'see', key.id);
      const shown = await service.reveal(key.id, owner);
      values.push(shown.value);
      expect(shown.value).toBe(
        apiKeyOf(await readSecret(keySecretName(key.id))),
      );
      expect(hashApiKey(shown.value)).toBe(key.hash);
      expect(shown.key.revealed).toBe(true);
      await expectError(
        service.reveal(key.id, owner),
        ConflictError,
        `Key ${key.id} was already shown once; rotate the key to get a new one`,
      );

      await expectError(
        service.decide(request.id, 'approve', BOSS),
        ConflictError,
        `Key request ${request.id} is already decided: issued`,
      );
    });

    it('rejects, notifies, and refuses a second decision; a failing notification does not fail it', async () => {
      const owner = user();
      const { request } = await ask(owner, 'enterprise', 'big batch');
      notifications.send.mockRejectedValueOnce(
        new Error('notifications backend is not installed'),
      );
      const { request: decided } = await service.decide(
        request.id,
        'reject',
        BOSS,
        'use premium',
      );
      expect(decided).toMatchObject({
        state: 'rejected',
        decidedBy: BOSS,
        decisionComment: 'use premium',
      });
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining(
          `Could not notify ${owner} about key request ${request.id}: notifications backend is not installed`,
        ),
      );
      await expectError(
        service.decide(request.id, 'approve', BOSS),
        ConflictError,
        `Key request ${request.id} is already decided: rejected`,
      );
      expect(await db.keys.get(request.id)).toBeUndefined();
      expect(await secretExists(keySecretName(request.id))).toBe(false);
    });

    it('lets only the owner cancel a pending request', async () => {
      const owner = user();
      const { request } = await ask(owner, 'premium', 'maybe');
      await expectError(
        service.cancel(request.id, BOB),
        NotAllowedError,
        `Only ${owner} can cancel key request ${request.id}`,
      );
      expect((await service.cancel(request.id, owner)).state).toBe('cancelled');
      await expectError(
        service.cancel(request.id, owner),
        ConflictError,
        `Key request ${request.id} is already decided: cancelled`,
      );
    });

    it('refuses bad input and requests over the cap, changing nothing', async () => {
      const owner = user();
      const before = (await db.requests.list()).length;
      await expectError(
        ask(owner, 'gold', 'x'),
        InputError,
        'Unknown tier "gold"; this portal\'s tiers are free, premium, enterprise',
      );
      await expectError(
        ask(owner, 'free', 'y'.repeat(501)),
        InputError,
        'The reason is 501 characters long; at most 500 are allowed',
      );
      await expectError(
        ask(owner, 'free', '   '),
        InputError,
        /A reason is required/,
      );
      await expectError(
        ask(owner, 'free', 'ok', 400),
        InputError,
        'expiresInDays must be a whole number from 1 to 365; got 400',
      );
      expect((await db.requests.list()).length).toBe(before);

      const first = await ask(owner, 'free', 'one');
      values.push(first.issued!.value);
      await ask(owner, 'premium', 'two');
      const count = (await db.requests.list()).length;
      await expectError(
        ask(owner, 'free', 'three'),
        ConflictError,
        `You already have 2 working keys (active or rotating) or open requests for ${ns}/qwen3; the limit is 2 (maas.keys.maxActivePerUserAndModel). Revoke a key or cancel a request first.`,
      );
      expect((await db.requests.list()).length).toBe(count);
      expect(
        (await listManagedSecrets()).filter(
          s =>
            s.metadata!.labels!['maas.kuadrant.io/owner'] ===
            owner.split('/')[1],
        ),
      ).toHaveLength(1);
    });

    it("revokes one's own key (Secret gone, record kept) and refuses someone else's without the permission", async () => {
      const owner = user();
      const { issued } = await ask(owner, 'free', 'short test');
      values.push(issued!.value);
      const name = keySecretName(issued!.key.id);

      await expectError(
        service.revoke(issued!.key.id, BOB),
        NotAllowedError,
        `Key ${
          issued!.key.id
        } belongs to ${owner}; revoking it takes the maas.key.revoke permission on component:default/qwen3`,
      );
      expect(await secretExists(name)).toBe(true);
      expect((await service.getKey(issued!.key.id)).state).toBe('active');

      const revoked = await service.revoke(issued!.key.id, owner);
      expect(revoked).toMatchObject({
        state: 'revoked',
        revokedBy: owner,
        revokedAt: new Date(clock).toISOString(),
      });
      expect(await secretExists(name)).toBe(false);
      expect(await db.keys.get(issued!.key.id)).toBeDefined();
      await expectError(
        service.revoke(issued!.key.id, owner),
        ConflictError,
        `Key ${
          issued!.key.id
        } is revoked; only active or rotating keys can be revoked`,
      );

      const other = await ask(owner, 'free', 'admin revokes');
      values.push(other.issued!.value);
      expect((await service.revoke(other.issued!.key.id, BOSS)).revokedBy).toBe(
        BOSS,
      );
      expect(await secretExists(keySecretName(other.issued!.key.id))).toBe(
        false,
      );
    });

    it('issues one key and one Secret when the same request is approved twice at once', async () => {
      const owner = user();
      const { request } = await ask(owner, 'premium', 'race');
      const results = await Promise.allSettled([
        service.decide(request.id, 'approve', BOSS),
        service.decide(request.id, 'approve', 'user:default/other-boss'),
      ]);
      expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find(
        r => r.status === 'rejected',
      ) as PromiseRejectedResult;
      expect(rejected.reason).toBeInstanceOf(ConflictError);
      expect(rejected.reason.message).toMatch(
        new RegExp(
          `Key request ${request.id} is already decided: (approved|issued)`,
        ),
      );
      expect(await db.keys.list({ userEntityRef: owner })).toHaveLength(1);
      expect(
        (await listManagedSecrets()).filter(
          s =>
            s.metadata!.labels!['maas.kuadrant.io/key-request'] === request.id,
        ),
      ).toHaveLength(1);
      expect((await db.requests.get(request.id))!.state).toBe('issued');
    });

    it('reconcile adopts a Secret whose key row a crash lost, and issues for an approved request without one', async () => {
      const adoptOwner = user();
      const lost = await ask(adoptOwner, 'premium', 'crash after Secret');
      // The crash: approved and its Secret made, but no key row.
      expect(
        await db.requests.transition(lost.request.id, 'pending', 'approved', {
          decidedBy: BOSS,
          decidedAt: new Date(clock),
        }),
      ).toBe(true);
      const value = `maas_${'A'.repeat(43)}`;
      values.push(value);
      await secrets.create({
        keyId: lost.request.id,
        requestId: lost.request.id,
        namespace: ns,
        model: { namespace: ns, name: 'qwen3', uid: modelUid },
        entityRef: model.entityRef,
        userEntityRef: adoptOwner,
        tier: 'premium',
        value,
      });

      const issueOwner = user();
      const approved = await ask(issueOwner, 'premium', 'crash before Secret');
      expect(
        await db.requests.transition(
          approved.request.id,
          'pending',
          'approved',
          { decidedBy: BOSS, decidedAt: new Date(clock) },
        ),
      ).toBe(true);

      const report = await reconcile(new Date(clock), 0);
      expect(report.failures).toEqual([]);
      expect(report.completed.sort()).toEqual(
        [lost.request.id, approved.request.id].sort(),
      );

      const adopted = await service.getKey(lost.request.id);
      expect(adopted).toMatchObject({
        state: 'active',
        revealed: false,
        userEntityRef: adoptOwner,
      });
      expect(adopted.hash).toBe(hashApiKey(value));
      expect((await db.requests.get(lost.request.id))!.state).toBe('issued');

      const issuedKey = await service.getKey(approved.request.id);
      expect(issuedKey).toMatchObject({ state: 'active', revealed: false });
      values.push(apiKeyOf(await readSecret(keySecretName(issuedKey.id))));
      expect(
        hashApiKey(apiKeyOf(await readSecret(keySecretName(issuedKey.id)))),
      ).toBe(issuedKey.hash);

      // A second pass has nothing to do.
      const again = await reconcile(new Date(clock), 0);
      expect(again).toEqual({
        completed: [],
        failedRequests: [],
        deletedSecrets: [],
        migrated: [],
        unclaimed: [],
        revokedModelGone: [],
        revokedSecretGone: [],
        failures: [],
      });
    });

    it('fails an approved request whose model is gone, at once, with the reason for its requester, the audit and a notification', async () => {
      const owner = user();
      const goneModel: KeyModel = {
        entityRef: 'component:default/gone',
        inferenceService: { namespace: ns, name: 'gone' },
      };
      await createObject(kc, INFERENCE_SERVICE, inferenceService(ns, 'gone'));
      const asked = await keys.requests.createRequest({
        model: goneModel,
        userEntityRef: owner,
        tier: 'premium',
        reason: 'before the model went',
        name: 'doomed',
      });
      const reconciledEarlier = await keys.requests.createRequest({
        model: goneModel,
        userEntityRef: user(),
        tier: 'premium',
        reason: 'approved, then the crash',
      });
      expect(
        await db.requests.transition(
          reconciledEarlier.request.id,
          'pending',
          'approved',
          { decidedBy: BOSS, decidedAt: new Date(clock) },
        ),
      ).toBe(true);
      await KubernetesObjectApi.makeApiClient(kc).delete({
        apiVersion: 'serving.kserve.io/v1beta1',
        kind: 'InferenceService',
        metadata: { name: 'gone', namespace: ns },
      });
      const reason = `The model ${ns}/gone no longer exists (its InferenceService is gone from the cluster); no key can be issued for it`;
      notifications.send.mockClear();

      const outcome = await service.decide(
        asked.request.id,
        'approve',
        BOSS,
        'ok',
      );
      expect(outcome.warning).toBe(
        `Approved, but no key can be issued: ${reason}`,
      );
      expect(outcome.request).toMatchObject({
        state: 'failed',
        decidedBy: BOSS,
        name: 'doomed',
        failureReason: reason,
        failedAt: new Date(clock).toISOString(),
      });
      // The requester sees it in their own list, and is told once.
      expect(
        (await keys.requests.listRequests({ userEntityRef: owner })).map(r => [
          r.state,
          r.failureReason,
        ]),
      ).toEqual([['failed', reason]]);
      expect(notifications.send).toHaveBeenCalledTimes(1);
      expect(notifications.send).toHaveBeenCalledWith({
        recipients: { type: 'entity', entityRef: owner },
        payload: expect.objectContaining({
          title: `API key request (premium, "doomed") for ${ns}/gone failed: no key could be issued`,
          description: reason,
        }),
      });
      expect(
        (await db.audit.list({ subjectId: asked.request.id, limit: 10 })).map(
          e => [e.action, e.details?.reason],
        ),
      ).toEqual([
        ['request.failed', reason],
        ['request.approved', undefined],
        ['request.created', undefined],
      ]);
      // Nothing to retry: failed is final, and the next pass fails the other request at once.
      expect(await db.requests.listApproved(new Date(clock))).toEqual([
        expect.objectContaining({ id: reconciledEarlier.request.id }),
      ]);
      const report = await reconcile(new Date(clock), 0);
      expect(report.failedRequests).toEqual([reconciledEarlier.request.id]);
      expect(report.failures).toEqual([]);
      expect(await db.requests.get(reconciledEarlier.request.id)).toMatchObject(
        { state: 'failed', failureReason: reason },
      );
      expect((await reconcile(new Date(clock), 0)).failedRequests).toEqual([]);
    });

    it(`fails an approved request after ${ISSUE_ATTEMPTS} failed attempts, not sooner, and never retries it again`, async () => {
      // Key Secrets cannot be written to a namespace that does not exist: every attempt fails.
      const nowhere = createKeyServices({
        db,
        secrets: new KeySecrets({
          kubeConfig: kc,
          timeoutMs: 10_000,
          namespace: `no-such-${randomUUID().slice(0, 8)}`,
          installId: secrets.installId,
        }),
        config: readMaasConfig(new ConfigReader({})),
        logger,
        notifications,
        now: () => new Date(clock),
      });
      const { request: asked } = await ask(user(), 'premium', 'never');
      const first = await nowhere.requests.decide(asked.id, 'approve', BOSS);
      expect(first.request.state).toBe('approved');
      expect(first.warning).toMatch(/^Approved, but the key is not out yet/);
      const stored = await db.requests.get(asked.id);
      for (let attempt = 2; attempt < ISSUE_ATTEMPTS; attempt++) {
        expect(await nowhere.requests.finishApproved(stored!)).toMatchObject({
          state: 'approved',
        });
      }
      const last = await nowhere.requests.finishApproved(stored!);
      expect(last).toEqual({
        state: 'failed',
        reason: `The key could not be issued after ${ISSUE_ATTEMPTS} attempts (the cluster did not take it); ask an admin, who finds the cause in the portal's log, then request the key again`,
      });
      expect(await db.requests.get(asked.id)).toMatchObject({
        state: 'failed',
      });
      // The cluster's own error stays in the log, for admins.
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining(
          `Key request ${asked.id} failed after ${ISSUE_ATTEMPTS} attempts:`,
        ),
      );
      await expectError(
        nowhere.requests.finishApproved((await db.requests.get(asked.id))!),
        ConflictError,
        /from failed to issued/,
      );
    });

    it('names keys: checked, unique per user and model, kept through rotation, renamed by the owner only, audited', async () => {
      const owner = user();
      const named = (name: string) =>
        keys.requests.createRequest({
          model,
          userEntityRef: owner,
          tier: 'free',
          reason: 'names',
          name,
        });
      await expectError(
        named('../etc'),
        InputError,
        'The key name "../etc" is not allowed: use letters, digits, spaces, dots, dashes and underscores, starting with a letter or digit, at most 63 characters',
      );
      await expectError(named('x'.repeat(64)), InputError, /at most 63/);
      const { issued } = await named('  CI pipeline ');
      values.push(issued!.value);
      expect(issued!.key.name).toBe('CI pipeline');
      await expectError(
        named('ci PIPELINE'),
        ConflictError,
        `You already have a key or key request named "CI pipeline" for ${ns}/qwen3; choose another name`,
      );
      // Another user may use the same name.
      const other = await keys.requests.createRequest({
        model,
        userEntityRef: user(),
        tier: 'free',
        reason: 'names',
        name: 'CI pipeline',
      });
      values.push(other.issued!.value);

      // The cap (2 here) counts the owner's named keys like any other.
      const second = await named('second');
      values.push(second.issued!.value);
      const rotated = await service.rotate(issued!.key.id, owner);
      values.push(rotated.value);
      expect(rotated.key.name).toBe('CI pipeline');
      const renamed = await keys.operations.rename(
        await keys.operations.getKey(rotated.key.id),
        'nightly-batch',
        owner,
      );
      expect(renamed.name).toBe('nightly-batch');
      const events = await db.audit.list({
        subjectId: rotated.key.id,
        limit: 5,
      });
      expect(events[0]).toMatchObject({
        actor: owner,
        action: 'key.renamed',
        details: {
          owner,
          tier: 'free',
          fromName: 'CI pipeline',
          name: 'nightly-batch',
        },
      });
      // A rotation's two keys may share a name; another working key of the owner may not.
      await expectError(
        keys.operations.rename(
          await keys.operations.getKey(second.issued!.key.id),
          'NIGHTLY-batch',
          owner,
        ),
        ConflictError,
        /named "nightly-batch"/,
      );
      expect(
        (
          await keys.operations.rename(
            await keys.operations.getKey(rotated.key.id),
            'CI pipeline',
            owner,
          )
        ).name,
      ).toBe('CI pipeline');
      expect(
        (
          await keys.operations.rename(
            await keys.operations.getKey(rotated.key.id),
            '',
            owner,
          )
        ).name,
      ).toBeUndefined();
      // Out of the way of the rotation test, whose task ends every overlap due.
      await service.revoke(issued!.key.id, owner);
    });

    it('reconcile deletes Secrets without a live key, but leaves young ones to the call still making them', async () => {
      const owner = user();
      const orphanId = randomUUID();
      await secrets.create({
        keyId: orphanId,
        requestId: randomUUID(),
        namespace: ns,
        model: { namespace: ns, name: 'qwen3', uid: modelUid },
        entityRef: model.entityRef,
        userEntityRef: owner,
        tier: 'free',
        value: 'maas_orphan-value-not-a-real-key',
      });
      const young = await reconcile(new Date(), 10 * MINUTE);
      expect(young.deletedSecrets).toEqual([]);

      // A revoked key whose Secret deletion failed.
      const { issued } = await ask(owner, 'free', 'will be revoked');
      values.push(issued!.value);
      expect(
        await db.keys.transition(issued!.key.id, ['active'], 'revoked'),
      ).toBe(true);

      const report = await reconcile(new Date(), 0);
      expect(report.deletedSecrets.sort()).toEqual(
        [
          `${ns}/${keySecretName(orphanId)}`,
          `${ns}/${keySecretName(issued!.key.id)}`,
        ].sort(),
      );
      expect(await secretExists(keySecretName(orphanId))).toBe(false);
      expect(await secretExists(keySecretName(issued!.key.id))).toBe(false);
    });

    it('rotates: a new key at once, the old one valid until the overlap ends and the task removes it', async () => {
      const owner = user();
      const { issued } = await ask(owner, 'free', 'rotate me', 10);
      values.push(issued!.value);
      const old = issued!.key;
      await expectOwnerOnly(
        service.rotate(old.id, BOB),
        owner,
        'rotate',
        old.id,
      );

      const rotated = await service.rotate(old.id, owner);
      values.push(rotated.value);
      expect(rotated.value).not.toBe(issued!.value);
      expect(rotated.key).toMatchObject({
        state: 'active',
        tier: 'free',
        revealed: true,
        userEntityRef: owner,
      });
      // Rotation renews the value, not the lifetime: the new key expires when the old one would have.
      expect(rotated.key.expiresAt).toBe(old.expiresAt);
      expect(await service.getKey(old.id)).toMatchObject({
        state: 'rotating',
        replacedBy: rotated.key.id,
        overlapUntil: new Date(clock + 5 * MINUTE).toISOString(),
      });
      await expectError(
        service.rotate(old.id, owner),
        ConflictError,
        `Key ${old.id} is rotating; only active keys can be rotated`,
      );

      const oldSecret = await readSecret(keySecretName(old.id));
      const newSecret = await readSecret(keySecretName(rotated.key.id));
      expect(apiKeyOf(newSecret)).toBe(rotated.value);
      // Same user id and tier: the rate-limit counters are per user id, so the window carries on.
      expect(
        newSecret.metadata!.annotations!['secret.kuadrant.io/user-id'],
      ).toBe(oldSecret.metadata!.annotations!['secret.kuadrant.io/user-id']);
      expect(newSecret.metadata!.annotations!['kuadrant.io/groups']).toBe(
        'free',
      );
      expect(newSecret.metadata!.labels!['maas.kuadrant.io/key-request']).toBe(
        oldSecret.metadata!.labels!['maas.kuadrant.io/key-request'],
      );

      const tasks = tasksOnTheClock();
      clock += 4 * MINUTE;
      expect((await runKeyTasks(tasks)).rotated).toEqual([]);
      expect(await secretExists(keySecretName(old.id))).toBe(true);

      clock += 2 * MINUTE;
      expect((await runKeyTasks(tasks)).rotated).toEqual([old.id]);
      expect(await service.getKey(old.id)).toMatchObject({
        state: 'rotated',
        replacedBy: rotated.key.id,
      });
      expect(await secretExists(keySecretName(old.id))).toBe(false);
      expect(await secretExists(keySecretName(rotated.key.id))).toBe(true);
    });

    it('expires keys by the scheduled task', async () => {
      const owner = user();
      const { issued } = await ask(owner, 'free', 'one day', 1);
      values.push(issued!.value);
      const tasks = tasksOnTheClock();
      expect((await runKeyTasks(tasks)).expired).not.toContain(issued!.key.id);

      clock += DAY + MINUTE;
      expect((await runKeyTasks(tasks)).expired).toContain(issued!.key.id);
      expect((await service.getKey(issued!.key.id)).state).toBe('expired');
      expect(await secretExists(keySecretName(issued!.key.id))).toBe(false);
      expect((await runKeyTasks(tasks)).expired).toEqual([]);
    });

    it("changes a key's tier through approval, keeping its value", async () => {
      const owner = user();
      const { issued } = await ask(owner, 'free', 'start small');
      values.push(issued!.value);
      const keyId = issued!.key.id;
      await expectError(
        service.requestTierChange(keyId, 'free', 'same', owner),
        InputError,
        `Key ${keyId} is already at tier free`,
      );
      await expectOwnerOnly(
        service.requestTierChange(keyId, 'premium', 'more', BOB),
        owner,
        'change the tier of',
        keyId,
      );

      const change = await service.requestTierChange(
        keyId,
        'premium',
        'need more',
        owner,
      );
      expect(change).toMatchObject({
        kind: 'tier-change',
        state: 'pending',
        keyId,
        tier: 'premium',
      });
      await expectError(
        service.requestTierChange(keyId, 'enterprise', 'even more', owner),
        ConflictError,
        `Key ${keyId} already has an open tier change (${change.id}, to premium)`,
      );
      expect(
        (await readSecret(keySecretName(keyId))).metadata!.annotations![
          'kuadrant.io/groups'
        ],
      ).toBe('free');

      const { request } = await service.decide(change.id, 'approve', BOSS);
      expect(request.state).toBe('issued');
      const secret = await readSecret(keySecretName(keyId));
      expect(secret.metadata!.annotations!['kuadrant.io/groups']).toBe(
        'premium',
      );
      expect(apiKeyOf(secret)).toBe(issued!.value);
      expect((await service.getKey(keyId)).tier).toBe('premium');

      // Back to an automatic tier: applied at once.
      const back = await service.requestTierChange(
        keyId,
        'free',
        'done',
        owner,
      );
      expect(back.state).toBe('issued');
      expect(
        (await readSecret(keySecretName(keyId))).metadata!.annotations![
          'kuadrant.io/groups'
        ],
      ).toBe('free');
    });

    // Declared last, so it runs after every test above has added the key values it saw.
    it('never logs a key value', () => {
      const logged = JSON.stringify([
        logger.info.mock.calls,
        logger.warn.mock.calls,
        logger.error.mock.calls,
        logger.debug.mock.calls,
      ]);
      expect(values.length).toBeGreaterThan(3);
      for (const value of values) expect(logged).not.toContain(value);
    });
  });
});
