import { TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { harnessEnv } from '@maas-portal/harness/testing';
import { KeyDatabase } from './KeyDatabase';

const TABLES = [
  'maas_key_requests',
  'maas_keys',
  'maas_audit_events',
  'maas_install',
];
const UUID =
  /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

async function tablesPresent(knex: Knex): Promise<string[]> {
  const present: string[] = [];
  for (const table of TABLES) {
    if (await knex.schema.hasTable(table)) present.push(table);
  }
  return present;
}

jest.setTimeout(60_000);

describe('key migrations', () => {
  beforeAll(() => {
    // PostgreSQL comes from the harness; without it this file fails and says how to start it.
    harnessEnv('BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING');
  });

  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

  it.each(databases.eachSupportedId())(
    'go up and down on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const directory = KeyDatabase.migrationsDirectory;

      await knex.migrate.latest({ directory });
      expect(await tablesPresent(knex)).toEqual(TABLES);
      // The install id: one random UUID (a valid label value), another in every database.
      const installIds = await knex('maas_install').pluck('id');
      expect(installIds).toEqual([expect.stringMatching(UUID)]);
      const other = await databases.init(databaseId);
      await KeyDatabase.migrate(other);
      expect(await new KeyDatabase(other).installId()).not.toBe(installIds[0]);
      expect(await new KeyDatabase(knex).installId()).toBe(installIds[0]);

      const now = new Date('2026-06-01T10:00:00.000Z');
      await knex('maas_key_requests').insert({
        id: 'r1',
        kind: 'new-key',
        entity_ref: 'component:default/qwen3',
        model: 'llm/qwen3',
        user_entity_ref: 'user:default/jane',
        tier: 'free',
        reason: 'tests',
        state: 'pending',
        created_at: now,
        updated_at: now,
      });
      await knex('maas_keys').insert({
        id: 'k1',
        request_id: 'r1',
        entity_ref: 'component:default/qwen3',
        model: 'llm/qwen3',
        user_entity_ref: 'user:default/jane',
        tier: 'free',
        hash: 'a'.repeat(64),
        display_prefix: 'maas_abcd…',
        state: 'active',
        secret_namespace: 'llm',
        secret_name: 'maas-key-k1',
        created_at: now,
        updated_at: now,
      });
      // One key per request, and hashes are unique.
      await expect(
        knex('maas_keys').insert({
          id: 'k2',
          request_id: 'r1',
          entity_ref: 'x',
          model: 'llm/qwen3',
          user_entity_ref: 'u',
          tier: 'free',
          hash: 'b'.repeat(64),
          display_prefix: 'p',
          state: 'active',
          secret_namespace: 'llm',
          secret_name: 'n',
          created_at: now,
          updated_at: now,
        }),
      ).rejects.toMatchObject({ message: expect.stringMatching(/unique/i) });

      // The model's UID (a re-created model is another) is on both tables, empty for old rows.
      expect(
        await knex('maas_keys').select('model_uid').where({ id: 'k1' }),
      ).toEqual([{ model_uid: null }]);
      expect(
        await knex.schema.hasColumn('maas_key_requests', 'model_uid'),
      ).toBe(true);
      // Key names and the failed state: old rows have no name and no failed attempt.
      expect(
        await knex('maas_key_requests')
          .select('name', 'attempts', 'failure_reason', 'failed_at')
          .where({ id: 'r1' }),
      ).toEqual([
        { name: null, attempts: 0, failure_reason: null, failed_at: null },
      ]);
      expect(
        await knex('maas_keys').select('name').where({ id: 'k1' }),
      ).toEqual([{ name: null }]);
      // Why the portal revoked a key: empty for old rows.
      expect(
        await knex('maas_keys').select('revoked_reason').where({ id: 'k1' }),
      ).toEqual([{ revoked_reason: null }]);
      // Each migration goes down by itself, whatever came after it.
      const down = (name: string) => knex.migrate.down({ directory, name });
      // The kept cost counts: down and up by themselves.
      const kept = 'maas_cost_counts';
      expect(await knex(kept)).toEqual([]);
      await down('20261208000000_settled_cost_counts.js');
      expect(await knex.schema.hasTable(kept)).toBe(false);
      await knex.migrate.up({
        directory,
        name: '20261208000000_settled_cost_counts.js',
      });
      expect(await knex(kept)).toEqual([]);
      await down('20261208000000_settled_cost_counts.js');
      // The notifier's once-guard: a row per once-key, unique.
      const sent = 'maas_notifications_sent';
      await knex(sent).insert({ once_key: 'k', sent_at: new Date() });
      // What the second insert did, and the rows after it: a failure says which (it failed once in a
      // full run, with no message, and never alone).
      const second = await knex(sent)
        .insert({ once_key: 'k', sent_at: new Date() })
        .then(
          () => 'inserted',
          (error: Error) => `refused (${error.message.slice(0, 40)})`,
        );
      expect({
        second: second.split(' ')[0],
        rows: (await knex(sent).select('once_key')).length,
      }).toEqual({ second: 'refused', rows: 1 });
      await down('20261207100000_notifications_sent.js');
      expect(await knex.schema.hasTable(sent)).toBe(false);
      await knex.migrate.up({
        directory,
        name: '20261207100000_notifications_sent.js',
      });
      expect(await knex(sent)).toEqual([]);
      await down('20261207100000_notifications_sent.js');
      await down('20261207000000_revoked_reason.js');
      expect(await knex.schema.hasColumn('maas_keys', 'revoked_reason')).toBe(
        false,
      );
      await knex.migrate.up({
        directory,
        name: '20261207000000_revoked_reason.js',
      });
      expect(
        await knex('maas_keys').select('revoked_reason').where({ id: 'k1' }),
      ).toEqual([{ revoked_reason: null }]);
      await down('20261207000000_revoked_reason.js');
      await down('20261202000000_install_id.js');
      expect(await knex.schema.hasTable('maas_install')).toBe(false);
      await expect(new KeyDatabase(knex).installId()).rejects.toMatchObject({
        name: 'NotFoundError',
        message: expect.stringMatching(/maas_install.*migrations/),
      });
      // Up again: a new id (Secrets labelled with the old one are then left alone, never deleted).
      await knex.migrate.up({
        directory,
        name: '20261202000000_install_id.js',
      });
      expect(await new KeyDatabase(knex).installId()).toMatch(UUID);
      expect(await new KeyDatabase(knex).installId()).not.toBe(installIds[0]);
      await down('20261201000000_key_names_and_failures.js');
      expect(await knex.schema.hasColumn('maas_keys', 'name')).toBe(false);
      expect(
        await knex.schema.hasColumn('maas_key_requests', 'failure_reason'),
      ).toBe(false);
      expect(await knex.schema.hasColumn('maas_keys', 'model_uid')).toBe(true);
      await down('20261130000000_model_uid.js');
      expect(await knex.schema.hasColumn('maas_keys', 'model_uid')).toBe(false);
      expect(await tablesPresent(knex)).toEqual(TABLES);

      await knex.migrate.rollback({ directory }, true);
      expect(await tablesPresent(knex)).toEqual([]);

      await knex.migrate.latest({ directory });
      expect(await tablesPresent(knex)).toEqual(TABLES);
      expect(await knex('maas_keys')).toEqual([]);
    },
  );
});
