/* The key flow against the real API server, part two: an issued key's operations (revoke, rotate, tier change) and the scheduled key tasks (reconcile, failing approved requests, expiry). */
import { ConfigReader } from '@backstage/config';
import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import { KubernetesObjectApi } from '@kubernetes/client-node';
import { randomUUID } from 'node:crypto';
import { readMaasConfig } from '../config/MaasConfig';
import { hashApiKey } from './generateApiKey';
import { KeySecrets, keySecretName } from './KeySecrets';
import { createKeyServices } from './createKeyServices';
import { KeyModel } from './KeyRequestService';
import { runKeyTasks } from './scheduleKeyTasks';
import { ISSUE_ATTEMPTS } from './requestStateMachine';
import { INFERENCE_SERVICE } from '@maas-portal/plugin-maas-node';
import { createObject, inferenceService } from '../__testUtils__/harness';
import { MaasNotifier } from '../notifications/MaasNotifier';
import {
  BOB,
  BOSS,
  DAY,
  expectError,
  expectOwnerOnly,
  keyFlowDatabases,
  MINUTE,
  useKeyFlowBed,
} from '../__testUtils__/keyFlowBed';

jest.setTimeout(120_000);

describe("issued keys' operations and the scheduled key tasks against the real API server", () => {
  const databases = keyFlowDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    const bed = useKeyFlowBed(databases, databaseId);

    it("revokes one's own key (Secret gone, record kept) and refuses someone else's without the permission", async () => {
      const owner = bed.user();
      const { issued } = await bed.ask(owner, 'free', 'short test');
      bed.values.push(issued!.value);
      const name = keySecretName(issued!.key.id);

      await expectError(
        bed.service.revoke(issued!.key.id, BOB),
        NotAllowedError,
        `Key ${
          issued!.key.id
        } belongs to ${owner}; revoking it takes the maas.key.revoke permission on component:default/qwen3`,
      );
      expect(await bed.secretExists(name)).toBe(true);
      expect((await bed.service.getKey(issued!.key.id)).state).toBe('active');

      const revoked = await bed.service.revoke(issued!.key.id, owner);
      expect(revoked).toMatchObject({
        state: 'revoked',
        revokedBy: owner,
        revokedAt: new Date(bed.clock).toISOString(),
      });
      expect(await bed.secretExists(name)).toBe(false);
      expect(await bed.db.keys.get(issued!.key.id)).toBeDefined();
      await expectError(
        bed.service.revoke(issued!.key.id, owner),
        ConflictError,
        `Key ${
          issued!.key.id
        } is revoked; only active or rotating keys can be revoked`,
      );

      const other = await bed.ask(owner, 'free', 'admin revokes');
      bed.values.push(other.issued!.value);
      expect(
        (await bed.service.revoke(other.issued!.key.id, BOSS)).revokedBy,
      ).toBe(BOSS);
      expect(await bed.secretExists(keySecretName(other.issued!.key.id))).toBe(
        false,
      );
    });

    it('reconcile adopts a Secret whose key row a crash lost, and issues for an approved request without one', async () => {
      const adoptOwner = bed.user();
      const lost = await bed.ask(adoptOwner, 'premium', 'crash after Secret');
      // The crash: approved and its Secret made, but no key row.
      expect(
        await bed.db.requests.transition(
          lost.request.id,
          'pending',
          'approved',
          {
            decidedBy: BOSS,
            decidedAt: new Date(bed.clock),
          },
        ),
      ).toBe(true);
      const value = `maas_${'A'.repeat(43)}`;
      bed.values.push(value);
      await bed.secrets.create({
        keyId: lost.request.id,
        requestId: lost.request.id,
        namespace: bed.ns,
        model: { namespace: bed.ns, name: 'qwen3', uid: bed.modelUid },
        entityRef: bed.model.entityRef,
        userEntityRef: adoptOwner,
        tier: 'premium',
        value,
      });

      const issueOwner = bed.user();
      const approved = await bed.ask(
        issueOwner,
        'premium',
        'crash before Secret',
      );
      expect(
        await bed.db.requests.transition(
          approved.request.id,
          'pending',
          'approved',
          { decidedBy: BOSS, decidedAt: new Date(bed.clock) },
        ),
      ).toBe(true);

      const report = await bed.reconcile(new Date(bed.clock), 0);
      expect(report.failures).toEqual([]);
      expect(report.completed.sort()).toEqual(
        [lost.request.id, approved.request.id].sort(),
      );

      const adopted = await bed.service.getKey(lost.request.id);
      expect(adopted).toMatchObject({
        state: 'active',
        revealed: false,
        userEntityRef: adoptOwner,
      });
      expect(adopted.hash).toBe(hashApiKey(value));
      expect((await bed.db.requests.get(lost.request.id))!.state).toBe(
        'issued',
      );

      const issuedKey = await bed.service.getKey(approved.request.id);
      expect(issuedKey).toMatchObject({ state: 'active', revealed: false });
      bed.values.push(
        bed.apiKeyOf(await bed.readSecret(keySecretName(issuedKey.id))),
      );
      expect(
        hashApiKey(
          bed.apiKeyOf(await bed.readSecret(keySecretName(issuedKey.id))),
        ),
      ).toBe(issuedKey.hash);

      // A second pass has nothing to do.
      const again = await bed.reconcile(new Date(bed.clock), 0);
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
      const owner = bed.user();
      const goneModel: KeyModel = {
        entityRef: 'component:default/gone',
        inferenceService: { namespace: bed.ns, name: 'gone' },
      };
      await createObject(
        bed.kc,
        INFERENCE_SERVICE,
        inferenceService(bed.ns, 'gone'),
      );
      const asked = await bed.keys.requests.createRequest({
        model: goneModel,
        userEntityRef: owner,
        tier: 'premium',
        reason: 'before the model went',
        name: 'doomed',
      });
      const reconciledEarlier = await bed.keys.requests.createRequest({
        model: goneModel,
        userEntityRef: bed.user(),
        tier: 'premium',
        reason: 'approved, then the crash',
      });
      expect(
        await bed.db.requests.transition(
          reconciledEarlier.request.id,
          'pending',
          'approved',
          { decidedBy: BOSS, decidedAt: new Date(bed.clock) },
        ),
      ).toBe(true);
      await KubernetesObjectApi.makeApiClient(bed.kc).delete({
        apiVersion: 'serving.kserve.io/v1beta1',
        kind: 'InferenceService',
        metadata: { name: 'gone', namespace: bed.ns },
      });
      const reason = `The model ${bed.ns}/gone no longer exists (its InferenceService is gone from the cluster); no key can be issued for it`;
      bed.notifications.send.mockClear();

      const outcome = await bed.service.decide(
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
        failedAt: new Date(bed.clock).toISOString(),
      });
      // The requester sees it in their own list, and is told once.
      expect(
        (await bed.keys.requests.listRequests({ userEntityRef: owner })).map(
          r => [r.state, r.failureReason],
        ),
      ).toEqual([['failed', reason]]);
      expect(bed.notifications.send).toHaveBeenCalledTimes(1);
      expect(bed.notifications.send).toHaveBeenCalledWith({
        recipients: { type: 'entity', entityRef: [owner] },
        payload: expect.objectContaining({
          link: '/maas/keys',
          title: `API key request (premium, "doomed") for ${bed.ns}/gone failed: no key could be issued`,
          description: reason,
        }),
      });
      expect(
        (
          await bed.db.audit.list({ subjectId: asked.request.id, limit: 10 })
        ).map(e => [e.action, e.details?.reason]),
      ).toEqual([
        ['request.failed', reason],
        ['request.approved', undefined],
        ['request.created', undefined],
      ]);
      // Nothing to retry: failed is final, and the next pass fails the other request at once.
      expect(await bed.db.requests.listApproved(new Date(bed.clock))).toEqual([
        expect.objectContaining({ id: reconciledEarlier.request.id }),
      ]);
      const report = await bed.reconcile(new Date(bed.clock), 0);
      expect(report.failedRequests).toEqual([reconciledEarlier.request.id]);
      expect(report.failures).toEqual([]);
      expect(
        await bed.db.requests.get(reconciledEarlier.request.id),
      ).toMatchObject({ state: 'failed', failureReason: reason });
      expect(
        (await bed.reconcile(new Date(bed.clock), 0)).failedRequests,
      ).toEqual([]);
    });

    it(`fails an approved request after ${ISSUE_ATTEMPTS} failed attempts, not sooner, and never retries it again`, async () => {
      // Key Secrets cannot be written to a namespace that does not exist: every attempt fails.
      const nowhere = createKeyServices({
        db: bed.db,
        secrets: new KeySecrets({
          kubeConfig: bed.kc,
          timeoutMs: 10_000,
          namespace: `no-such-${randomUUID().slice(0, 8)}`,
          installId: bed.secrets.installId,
        }),
        config: readMaasConfig(new ConfigReader({})),
        logger: bed.logger,
        notifier: new MaasNotifier({
          notifications: bed.notifications,
          logger: bed.logger,
        }),
        now: () => new Date(bed.clock),
      });
      const { request: asked } = await bed.ask(bed.user(), 'premium', 'never');
      const first = await nowhere.requests.decide(asked.id, 'approve', BOSS);
      expect(first.request.state).toBe('approved');
      expect(first.warning).toMatch(/^Approved, but the key is not out yet/);
      const stored = await bed.db.requests.get(asked.id);
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
      expect(await bed.db.requests.get(asked.id)).toMatchObject({
        state: 'failed',
      });
      // The cluster's own error stays in the log, for admins.
      expect(bed.logger.warn).toHaveBeenCalledWith(
        expect.stringContaining(
          `Key request ${asked.id} failed after ${ISSUE_ATTEMPTS} attempts:`,
        ),
      );
      await expectError(
        nowhere.requests.finishApproved((await bed.db.requests.get(asked.id))!),
        ConflictError,
        /from failed to issued/,
      );
    });

    it('reconcile deletes Secrets without a live key, but leaves young ones to the call still making them', async () => {
      const owner = bed.user();
      const orphanId = randomUUID();
      await bed.secrets.create({
        keyId: orphanId,
        requestId: randomUUID(),
        namespace: bed.ns,
        model: { namespace: bed.ns, name: 'qwen3', uid: bed.modelUid },
        entityRef: bed.model.entityRef,
        userEntityRef: owner,
        tier: 'free',
        value: 'maas_orphan-value-not-a-real-key',
      });
      const young = await bed.reconcile(new Date(), 10 * MINUTE);
      expect(young.deletedSecrets).toEqual([]);

      // A revoked key whose Secret deletion failed.
      const { issued } = await bed.ask(owner, 'free', 'will be revoked');
      bed.values.push(issued!.value);
      expect(
        await bed.db.keys.transition(issued!.key.id, ['active'], 'revoked'),
      ).toBe(true);

      const report = await bed.reconcile(new Date(), 0);
      expect(report.deletedSecrets.sort()).toEqual(
        [
          `${bed.ns}/${keySecretName(orphanId)}`,
          `${bed.ns}/${keySecretName(issued!.key.id)}`,
        ].sort(),
      );
      expect(await bed.secretExists(keySecretName(orphanId))).toBe(false);
      expect(await bed.secretExists(keySecretName(issued!.key.id))).toBe(false);
    });

    it('rotates: a new key at once, the old one valid until the overlap ends and the task removes it', async () => {
      const owner = bed.user();
      const { issued } = await bed.ask(owner, 'free', 'rotate me', 10);
      bed.values.push(issued!.value);
      const old = issued!.key;
      await expectOwnerOnly(
        bed.service.rotate(old.id, BOB),
        owner,
        'rotate',
        old.id,
      );

      const rotated = await bed.service.rotate(old.id, owner);
      bed.values.push(rotated.value);
      expect(rotated.value).not.toBe(issued!.value);
      expect(rotated.key).toMatchObject({
        state: 'active',
        tier: 'free',
        revealed: true,
        userEntityRef: owner,
      });
      // Rotation renews the value, not the lifetime: the new key expires when the old one would have.
      expect(rotated.key.expiresAt).toBe(old.expiresAt);
      expect(await bed.service.getKey(old.id)).toMatchObject({
        state: 'rotating',
        replacedBy: rotated.key.id,
        overlapUntil: new Date(bed.clock + 5 * MINUTE).toISOString(),
      });
      await expectError(
        bed.service.rotate(old.id, owner),
        ConflictError,
        `Key ${old.id} is rotating; only active keys can be rotated`,
      );

      const oldSecret = await bed.readSecret(keySecretName(old.id));
      const newSecret = await bed.readSecret(keySecretName(rotated.key.id));
      expect(bed.apiKeyOf(newSecret)).toBe(rotated.value);
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

      const tasks = bed.tasksOnTheClock();
      bed.clock += 4 * MINUTE;
      expect((await runKeyTasks(tasks)).rotated).toEqual([]);
      expect(await bed.secretExists(keySecretName(old.id))).toBe(true);

      bed.clock += 2 * MINUTE;
      expect((await runKeyTasks(tasks)).rotated).toEqual([old.id]);
      expect(await bed.service.getKey(old.id)).toMatchObject({
        state: 'rotated',
        replacedBy: rotated.key.id,
      });
      expect(await bed.secretExists(keySecretName(old.id))).toBe(false);
      expect(await bed.secretExists(keySecretName(rotated.key.id))).toBe(true);
    });

    it('expires keys by the scheduled task', async () => {
      const owner = bed.user();
      const { issued } = await bed.ask(owner, 'free', 'one day', 1);
      bed.values.push(issued!.value);
      const tasks = bed.tasksOnTheClock();
      expect((await runKeyTasks(tasks)).expired).not.toContain(issued!.key.id);

      bed.clock += DAY + MINUTE;
      expect((await runKeyTasks(tasks)).expired).toContain(issued!.key.id);
      expect((await bed.service.getKey(issued!.key.id)).state).toBe('expired');
      expect(await bed.secretExists(keySecretName(issued!.key.id))).toBe(false);
      expect((await runKeyTasks(tasks)).expired).toEqual([]);
    });

    it("changes a key's tier through approval, keeping its value", async () => {
      const owner = bed.user();
      const { issued } = await bed.ask(owner, 'free', 'start small');
      bed.values.push(issued!.value);
      const keyId = issued!.key.id;
      await expectError(
        bed.service.requestTierChange(keyId, 'free', 'same', owner),
        InputError,
        `Key ${keyId} is already at tier free`,
      );
      await expectOwnerOnly(
        bed.service.requestTierChange(keyId, 'premium', 'more', BOB),
        owner,
        'change the tier of',
        keyId,
      );

      const change = await bed.service.requestTierChange(
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
        bed.service.requestTierChange(keyId, 'enterprise', 'even more', owner),
        ConflictError,
        `Key ${keyId} already has an open tier change (${change.id}, to premium)`,
      );
      expect(
        (await bed.readSecret(keySecretName(keyId))).metadata!.annotations![
          'kuadrant.io/groups'
        ],
      ).toBe('free');

      const { request } = await bed.service.decide(change.id, 'approve', BOSS);
      expect(request.state).toBe('issued');
      const secret = await bed.readSecret(keySecretName(keyId));
      expect(secret.metadata!.annotations!['kuadrant.io/groups']).toBe(
        'premium',
      );
      expect(bed.apiKeyOf(secret)).toBe(issued!.value);
      expect((await bed.service.getKey(keyId)).tier).toBe('premium');

      // Back to an automatic tier: applied at once.
      const back = await bed.service.requestTierChange(
        keyId,
        'free',
        'done',
        owner,
      );
      expect(back.state).toBe('issued');
      expect(
        (await bed.readSecret(keySecretName(keyId))).metadata!.annotations![
          'kuadrant.io/groups'
        ],
      ).toBe('free');
    });

    // Declared last, so it runs after every test above has added the key values it saw.
    it('never logs a key value', () => bed.expectNoKeyValueLogged());
  });
});
