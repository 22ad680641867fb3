import { TestDatabases } from '@backstage/backend-test-utils';
import { harnessEnv } from '@maas-portal/harness/testing';
import { Knex } from 'knex';
import { KeyDatabase } from './KeyDatabase';
import { StoredKey } from './KeyStore';
import {
  decodeAuditCursor,
  decodeListCursor,
  encodeListCursor,
  fillPage,
  ListCursor,
} from './paging';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { INDEXES } = require('../../../migrations/20261201020000_list_indexes');

jest.setTimeout(60_000);

const key = (i: number, createdAt: string, user: string): StoredKey => ({
  id: `k${String(i).padStart(3, '0')}`,
  entityRef: 'component:default/qwen3',
  model: 'llm/qwen3',
  userEntityRef: user,
  tier: 'free',
  hash: String(i).padStart(64, '0'),
  displayPrefix: 'maas_…',
  state: 'active',
  secretNamespace: 'kuadrant-system',
  secretName: `maas-key-k${i}`,
  createdAt,
  revealed: false,
});

async function indexNames(knex: Knex, table: string): Promise<string[]> {
  if (knex.client.config.client === 'pg') {
    const { rows } = await knex.raw(
      'select indexname from pg_indexes where tablename = ?',
      [table],
    );
    return rows.map((r: { indexname: string }) => r.indexname);
  }
  const rows = await knex('sqlite_master')
    .where({ type: 'index', tbl_name: table })
    .select('name');
  return rows.map((r: { name: string }) => r.name);
}

/** Follows the cursors from the first page to the last; every page as it came. */
async function allPages<T extends ListCursor>(
  page: (after?: ListCursor) => Promise<{ items: T[]; nextCursor?: string }>,
): Promise<T[][]> {
  const pages: T[][] = [];
  let after: ListCursor | undefined;
  for (;;) {
    const { items, nextCursor } = await page(after);
    pages.push(items);
    if (!nextCursor) return pages;
    after = decodeListCursor(nextCursor);
  }
}

describe('paged lists of keys, requests and audit events', () => {
  beforeAll(() => {
    harnessEnv('BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING');
  });

  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let db: KeyDatabase;
    const JANE = 'user:default/jane';
    const BOB = 'user:default/bob';

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await KeyDatabase.migrate(knex);
      db = new KeyDatabase(knex);
      // 45 keys, three to a timestamp: the cursor must order ties by id, not skip or repeat them.
      for (let i = 0; i < 45; i++) {
        const at = new Date(Date.UTC(2026, 5, 1, 10, Math.floor(i / 3)));
        await db.keys.insert(key(i, at.toISOString(), i % 3 ? JANE : BOB));
      }
      for (let i = 0; i < 30; i++) {
        await db.audit.add({
          actor: JANE,
          action: 'key.revealed',
          subject: { type: 'key', id: `k${i}` },
          entityRef: i % 2 ? 'component:default/qwen3' : 'component:default/x',
        });
      }
    });

    it('has the list indexes of the migration', async () => {
      for (const [table, name] of INDEXES as string[][])
        expect(await indexNames(knex, table)).toContain(name);
    });

    it('walks every key once, newest first, page by page', async () => {
      const everything = (await db.keys.list()).map(k => k.id);
      expect(everything).toHaveLength(45);
      const pages = await allPages(after =>
        fillPage({
          limit: 10,
          after,
          read: (from, n) => db.keys.list({ after: from, limit: n }),
          visible: async rows => rows,
        }),
      );
      expect(pages.map(p => p.length)).toEqual([10, 10, 10, 10, 5]);
      expect(pages.flat().map(k => k.id)).toEqual(everything);
    });

    it('fills pages from the rows the caller may see, and the cursor skips none of them', async () => {
      const janes = (await db.keys.list({ userEntityRef: JANE })).map(
        k => k.id,
      );
      expect(janes).toHaveLength(30);
      const pages = await allPages(after =>
        fillPage({
          limit: 7,
          after,
          read: (from, n) => db.keys.list({ after: from, limit: n }),
          visible: async rows => rows.filter(k => k.userEntityRef === JANE),
        }),
      );
      expect(pages.map(p => p.length)).toEqual([7, 7, 7, 7, 2]);
      expect(pages.flat().map(k => k.id)).toEqual(janes);
    });

    it('pages the audit trail by id, narrowed to an entity', async () => {
      const first = await db.audit.list({
        entityRef: 'component:default/qwen3',
        limit: 10,
      });
      const rest = await db.audit.list({
        entityRef: 'component:default/qwen3',
        beforeId: first[first.length - 1].id,
        limit: 10,
      });
      expect(first).toHaveLength(10);
      expect(rest).toHaveLength(5);
      const ids = [...first, ...rest].map(e => e.id);
      expect(ids).toEqual([...ids].sort((a, b) => b - a));
      expect(new Set(ids).size).toBe(15);
    });
  });

  it('refuses a cursor it did not give, saying what to do', () => {
    expect(() => decodeListCursor('not-a-cursor')).toThrow(
      'cursor is not a cursor this list gave (X-Next-Cursor); ask for the first page without it',
    );
    expect(() =>
      decodeAuditCursor(
        encodeListCursor({ createdAt: new Date().toISOString(), id: 'x' }),
      ),
    ).toThrow(/^cursor is not a cursor this list gave/);
  });
});
