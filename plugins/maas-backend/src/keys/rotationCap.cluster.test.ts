/*
 * Issue #20 (LOW): rotation counts toward the cap (maas.keys.maxActivePerUserAndModel). Decided: a user
 * at the cap may rotate a key (its old value stops after the overlap, so rotating never adds a key for
 * good, and refusing it would push people to keep a leaked key), but the rotated key counts until its
 * overlap ends: a second rotation (a chain of rotations would hold ever more working keys) and a new
 * request are refused until then. On SQLite and PostgreSQL, with key Secrets on the harness's API server.
 */
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import {
  createTestNamespace,
  deleteTestNamespace,
  harnessEnv,
  harnessKubeConfig,
} from '@maas-portal/harness/testing';
import { createBoundModel } from '../__testUtils__/harness';
import { TEAM_A } from '../__testUtils__/testUsers';
import { readMaasConfig } from '../config/MaasConfig';
import { createKeyServices, KeyServices } from './createKeyServices';
import { KeySecrets, keySecretName } from './KeySecrets';
import { runKeyTasks } from './scheduleKeyTasks';
import { KeyDatabase } from './store/KeyDatabase';

jest.setTimeout(120_000);

const KEYS_NAMESPACE = 'kuadrant-system';
const OVERLAP_MINUTES = 5;

describe('rotation and the per-user cap', () => {
  let kc: KubeConfig;
  let ns: string;
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

  beforeAll(async () => {
    harnessEnv('BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING');
    kc = harnessKubeConfig();
    ns = await createTestNamespace(kc, 'rotation-cap');
    await createBoundModel(kc, ns, 'capped', TEAM_A);
  });

  afterAll(async () => {
    if (ns) await deleteTestNamespace(kc, ns);
  });

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let db: KeyDatabase;
    let keys: KeyServices;
    let secrets: KeySecrets;
    let clock = Date.now();
    const user = `user:default/cap-${databaseId.toLowerCase()}`;

    beforeAll(async () => {
      const knex = await databases.init(databaseId);
      await KeyDatabase.migrate(knex);
      db = new KeyDatabase(knex);
      secrets = new KeySecrets({
        kubeConfig: kc,
        timeoutMs: 10_000,
        namespace: KEYS_NAMESPACE,
        installId: await db.installId(),
      });
      keys = createKeyServices({
        db,
        secrets,
        config: readMaasConfig(
          new ConfigReader({
            maas: {
              keys: {
                maxActivePerUserAndModel: 2,
                rotationOverlapMinutes: OVERLAP_MINUTES,
                namespace: KEYS_NAMESPACE,
              },
            },
          }),
        ),
        logger: mockServices.logger.mock(),
        now: () => new Date(clock),
      });
    });

    /** A free key (approved and issued at once). */
    const issue = async () =>
      (
        await keys.requests.createRequest({
          model: {
            entityRef: 'component:default/capped',
            inferenceService: { namespace: ns, name: 'capped' },
          },
          userEntityRef: user,
          tier: 'free',
          reason: 'cap test',
        })
      ).issued!;
    const rotate = async (id: string) =>
      keys.operations.rotate(await keys.operations.getKey(id), user);
    /** The suite's key Secrets of `user` in the keys namespace. */
    const secretsOfUser = async () =>
      (
        await kc.makeApiClient(CoreV1Api).listNamespacedSecret({
          namespace: KEYS_NAMESPACE,
          labelSelector: `maas.kuadrant.io/owner=cap-${databaseId.toLowerCase()}`,
        })
      ).items.map(s => s.metadata!.name!);

    it('LOW: rotation counts toward the cap: allowed at the cap, but the rotated key counts until its overlap ends', async () => {
      const first = await issue();
      const second = await issue();
      await expect(issue()).rejects.toThrow(
        /^You already have 2 working keys .* the limit is 2 \(maas\.keys\.maxActivePerUserAndModel\)\. Revoke a key or cancel a request first\.$/,
      );

      // At the cap, a key may be rotated: its new key takes its place once the overlap ends.
      const rotated = await rotate(first.key.id);
      expect(await db.countOpen(user, `${ns}/capped`)).toBe(3);

      // During the overlap the rotated key still works, so it still counts.
      await expect(rotate(rotated.key.id)).rejects.toThrow(
        `You already have 3 working keys (active or rotating) or open requests for ${ns}/capped; the limit is 2 (maas.keys.maxActivePerUserAndModel). A rotated key counts until its overlap ends, so key ${rotated.key.id} cannot be rotated now: wait until the overlap ends, or revoke a key first.`,
      );
      await expect(rotate(second.key.id)).rejects.toThrow(
        /A rotated key counts until its overlap ends/,
      );
      await expect(issue()).rejects.toThrow(/the limit is 2/);
      // A refused rotation leaves no Secret behind, and both keys it named stay active.
      expect((await secretsOfUser()).sort()).toEqual(
        [first.key.id, second.key.id, rotated.key.id].map(keySecretName).sort(),
      );
      expect((await db.keys.get(rotated.key.id))!.state).toBe('active');
      expect((await db.keys.get(second.key.id))!.state).toBe('active');

      // Once the overlap has ended, the new key rotates again.
      clock += (OVERLAP_MINUTES + 1) * 60_000;
      const report = await runKeyTasks({
        keys,
        secrets,
        logger: mockServices.logger.mock(),
        namespaces: [ns],
        now: () => new Date(clock),
        graceMs: 0,
      });
      expect(report.rotated).toEqual([first.key.id]);
      expect(await db.countOpen(user, `${ns}/capped`)).toBe(2);
      const again = await rotate(rotated.key.id);
      expect((await db.keys.get(again.key.id))!.rotatedFrom).toBe(
        rotated.key.id,
      );
    });
  });
});
