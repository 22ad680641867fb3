import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { harnessEnv } from '@maas-portal/harness/testing';
import { readMaasConfig } from '../config/MaasConfig';
import { createKeyServices, KeyServices } from './createKeyServices';
import { KeyModel } from './KeyRequestService';
import { KeyDatabase } from './store/KeyDatabase';

jest.setTimeout(60_000);

const MODEL: KeyModel = {
  entityRef: 'component:default/qwen3',
  inferenceService: { namespace: 'llm', name: 'qwen3' },
  modelUid: 'uid-1',
};

describe('the per-user cap of keys and open requests', () => {
  beforeAll(() => {
    harnessEnv('BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING');
  });

  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let db: KeyDatabase;
    let keys: KeyServices;

    beforeAll(async () => {
      const knex = await databases.init(databaseId);
      await KeyDatabase.migrate(knex);
      db = new KeyDatabase(knex);
      // No cluster: a manual tier is recorded without one.
      keys = createKeyServices({
        db,
        config: readMaasConfig(
          new ConfigReader({ maas: { keys: { maxActivePerUserAndModel: 3 } } }),
        ),
        logger: mockServices.logger.mock(),
      });
    });

    const ask = (user: string, reason: string) =>
      keys.requests.createRequest({
        model: MODEL,
        userEntityRef: user,
        tier: 'premium',
        reason,
      });

    it('holds when 20 requests arrive at once', async () => {
      const user = 'user:default/parallel';
      const outcomes = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => ask(user, `n${i}`)),
      );
      expect(outcomes.filter(o => o.status === 'fulfilled')).toHaveLength(3);
      const refused = outcomes.filter(
        (o): o is PromiseRejectedResult => o.status === 'rejected',
      );
      expect(refused).toHaveLength(17);
      for (const o of refused)
        expect(o.reason.message).toMatch(
          /^You already have 3 working keys \(active or rotating\) or open requests for llm\/qwen3; the limit is 3/,
        );
      expect(
        await db.requests.list({ userEntityRef: user, state: 'pending' }),
      ).toHaveLength(3);
      // Each request keeps the model's UID.
      const [stored] = await db.requests.list({ userEntityRef: user });
      expect(stored.modelUid).toBe('uid-1');
    });

    it('counts rotating keys: a key being rotated still works, so it still counts', async () => {
      const user = 'user:default/rotator';
      const now = new Date().toISOString();
      const key = (id: string, state: 'active' | 'rotating') => ({
        id,
        entityRef: MODEL.entityRef,
        model: 'llm/qwen3',
        userEntityRef: user,
        tier: 'premium',
        hash: id.padEnd(64, '0'),
        displayPrefix: 'maas_…',
        state,
        secretNamespace: 'kuadrant-system',
        secretName: `maas-key-${id}`,
        createdAt: now,
        revealed: true,
      });
      await db.keys.insert(key(`${databaseId}-a`.toLowerCase(), 'active'));
      await db.keys.insert(key(`${databaseId}-r`.toLowerCase(), 'rotating'));
      await ask(user, 'third');
      await expect(ask(user, 'fourth')).rejects.toThrow(
        'You already have 3 working keys (active or rotating) or open requests for llm/qwen3; the limit is 3 (maas.keys.maxActivePerUserAndModel). Revoke a key or cancel a request first.',
      );
    });
  });
});
