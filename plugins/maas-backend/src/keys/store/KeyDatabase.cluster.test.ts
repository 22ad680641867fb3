import { TestDatabases } from '@backstage/backend-test-utils';
import { harnessEnv } from '@maas-portal/harness/testing';
import { auditEvents } from '../auditEvents';
import { KeyDatabase } from './KeyDatabase';
import { StoredKeyRequest } from './KeyRequestStore';
import { StoredKey } from './KeyStore';

jest.setTimeout(60_000);

const request = (
  overrides: Partial<StoredKeyRequest> = {},
): StoredKeyRequest => ({
  id: 'r1',
  kind: 'new-key',
  entityRef: 'component:default/qwen3',
  model: 'llm/qwen3',
  userEntityRef: 'user:default/jane',
  tier: 'premium',
  reason: 'evaluation',
  state: 'pending',
  createdAt: '2026-06-01T10:00:00.000Z',
  expiresInDays: 30,
  ...overrides,
});

const key = (overrides: Partial<StoredKey> = {}): StoredKey => ({
  id: 'k1',
  requestId: 'r1',
  entityRef: 'component:default/qwen3',
  model: 'llm/qwen3',
  userEntityRef: 'user:default/jane',
  tier: 'premium',
  hash: 'a'.repeat(64),
  displayPrefix: 'maas_abcd…',
  state: 'active',
  secretNamespace: 'llm',
  secretName: 'maas-key-k1',
  createdAt: '2026-06-01T10:05:00.000Z',
  expiresAt: '2026-07-01T10:05:00.000Z',
  revealed: false,
  ...overrides,
});

/** The ids of what a store call returns, in its order. */
const ids = async (rows: Promise<Array<{ id: string }>>) =>
  (await rows).map(r => r.id);

/** A "due" query finds nothing at `before`, and exactly `due` at `after`. */
async function expectDue(
  list: (now: Date) => Promise<Array<{ id: string }>>,
  before: string,
  after: string,
  due: string[],
) {
  expect(await ids(list(new Date(before)))).toEqual([]);
  expect(await ids(list(new Date(after)))).toEqual(due);
}

/** Each step is `[changed, ...transition arguments]`: the transition changes a row or, when `changed` is false, nothing. */
async function expectTransitions<
  T extends { transition(...args: any[]): Promise<boolean> },
>(
  table: T,
  steps: Array<[changed: boolean, ...args: Parameters<T['transition']>]>,
) {
  for (const [changed, ...args] of steps) {
    expect(await table.transition(...args)).toBe(changed);
  }
}

describe('KeyDatabase: the stores of requests, keys and audit events', () => {
  beforeAll(() => {
    harnessEnv('BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING');
  });

  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

  async function createStore(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(databaseId);
    await KeyDatabase.migrate(knex);
    return new KeyDatabase(knex);
  }

  it.each(databases.eachSupportedId())(
    'stores requests and moves them only from the expected state, %p',
    async databaseId => {
      const store = await createStore(databaseId);
      await store.requests.insert(request());
      expect(await store.requests.get('r1')).toEqual({
        ...request(),
        keyId: undefined,
        decidedAt: undefined,
        decidedBy: undefined,
        decisionComment: undefined,
      });

      const decidedAt = new Date('2026-06-01T10:01:00.000Z');
      await expectTransitions(store.requests, [
        [
          true,
          'r1',
          'pending',
          'approved',
          { decidedBy: 'user:default/boss', decidedAt, decisionComment: 'ok' },
        ],
        // A second approval of the same request changes nothing.
        [
          false,
          'r1',
          'pending',
          'approved',
          { decidedBy: 'user:default/other' },
        ],
      ]);
      expect(await store.requests.get('r1')).toMatchObject({
        state: 'approved',
        decidedBy: 'user:default/boss',
        decidedAt: decidedAt.toISOString(),
        decisionComment: 'ok',
      });

      await expectDue(
        now => store.requests.listApproved(now),
        '2026-06-01T10:00:30Z',
        '2026-06-01T10:02:00Z',
        ['r1'],
      );

      await store.requests.insert(
        request({
          id: 'r2',
          userEntityRef: 'user:default/bob',
          createdAt: '2026-06-01T11:00:00.000Z',
        }),
      );
      expect(await ids(store.requests.list())).toEqual(['r2', 'r1']);
      expect(
        await ids(store.requests.list({ userEntityRef: 'user:default/bob' })),
      ).toEqual(['r2']);
      expect(await ids(store.requests.list({ state: 'approved' }))).toEqual([
        'r1',
      ]);
      expect(
        await store.requests.list({ entityRef: 'component:default/other' }),
      ).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'issues a key and marks its request in one transaction, %p',
    async databaseId => {
      const store = await createStore(databaseId);
      await store.requests.insert(request({ state: 'approved' }));

      await store.transaction(async tx => {
        await tx.keys.insert(key());
        await expectTransitions(tx.requests, [
          [true, 'r1', 'approved', 'issued', { keyId: 'k1' }],
        ]);
      });
      expect(await store.requests.get('r1')).toMatchObject({
        state: 'issued',
        keyId: 'k1',
      });
      expect(await store.keys.get('k1')).toEqual({
        ...key(),
        rotatedFrom: undefined,
        overlapUntil: undefined,
        revokedAt: undefined,
        revokedBy: undefined,
        replacedBy: undefined,
      });

      // A failing transaction leaves nothing behind.
      await store.requests.insert(request({ id: 'r2', state: 'approved' }));
      await expect(
        store.transaction(async tx => {
          await tx.keys.insert(
            key({ id: 'k2', requestId: 'r2', hash: 'b'.repeat(64) }),
          );
          await tx.keys.insert(
            key({ id: 'k3', requestId: 'r2', hash: 'c'.repeat(64) }),
          );
        }),
      ).rejects.toMatchObject({ message: expect.stringMatching(/unique/i) });
      expect(await store.keys.get('k2')).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'counts open keys and requests, lists due keys, reveals once, %p',
    async databaseId => {
      const store = await createStore(databaseId);
      await store.requests.insert(request({ state: 'issued', keyId: 'k1' }));
      await store.requests.insert(request({ id: 'r2' }));
      await store.requests.insert(request({ id: 'r3', state: 'rejected' }));
      await store.requests.insert(
        request({ id: 'r4', kind: 'tier-change', keyId: 'k1' }),
      );
      await store.keys.insert(key());
      await store.keys.insert(
        key({
          id: 'k2',
          requestId: 'r0',
          hash: 'b'.repeat(64),
          state: 'revoked',
        }),
      );
      expect(await store.countOpen('user:default/jane', 'llm/qwen3')).toBe(2);
      expect(await store.countOpen('user:default/jane', 'llm/other')).toBe(0);
      expect((await store.requests.findOpenTierChange('k1'))?.id).toBe('r4');

      expect(await store.keys.markRevealed('k1')).toBe(true);
      expect(await store.keys.markRevealed('k1')).toBe(false);
      expect((await store.keys.get('k1'))?.revealed).toBe(true);

      await expectDue(
        now => store.keys.listExpired(now),
        '2026-06-30T00:00:00Z',
        '2026-07-02T00:00:00Z',
        ['k1'],
      );

      const overlapUntil = new Date('2026-06-02T00:00:00.000Z');
      await expectTransitions(store.keys, [
        [
          true,
          'k1',
          ['active'],
          'rotating',
          { overlapUntil, replacedBy: 'k9' },
        ],
        [false, 'k1', ['active'], 'rotating'],
      ]);
      await expectDue(
        now => store.keys.listOverlapEnded(now),
        '2026-06-01T23:00:00Z',
        '2026-06-02T00:00:00Z',
        ['k1'],
      );
      expect(await store.keys.setTier('k1', 'enterprise')).toBe(true);
      expect(await store.keys.setTier('k2', 'enterprise')).toBe(false);
      expect(await store.keys.get('k1')).toMatchObject({
        state: 'rotating',
        tier: 'enterprise',
        overlapUntil: overlapUntil.toISOString(),
        replacedBy: 'k9',
      });
      expect(await ids(store.keys.list({ states: ['revoked'] }))).toEqual([
        'k2',
      ]);
      expect(
        (await ids(store.keys.getMany(['k1', 'k2', 'nope']))).sort(),
      ).toEqual(['k1', 'k2']);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps an audit trail, newest first, %p',
    async databaseId => {
      const store = await createStore(databaseId);
      // The events as the key flow builds them (auditEvents.ts).
      await store.audit.add({
        ...auditEvents.requestCreated('user:default/jane', request(), {
          tier: 'free',
        }),
        at: new Date('2026-06-01T10:00:00.000Z'),
      });
      await store.audit.add(
        auditEvents.requestDecided('user:default/boss', request(), 'approved'),
      );
      const elsewhere = { id: 'r9', entityRef: 'component:default/other' };
      await store.audit.add(
        auditEvents.requestCreated('user:default/x', request(elsewhere), {}),
      );
      const events = await store.audit.list({
        entityRef: 'component:default/qwen3',
        limit: 10,
      });
      expect(events.map(e => e.action)).toEqual([
        'request.approved',
        'request.created',
      ]);
      expect(events[1]).toEqual({
        id: expect.any(Number),
        at: '2026-06-01T10:00:00.000Z',
        actor: 'user:default/jane',
        action: 'request.created',
        subject: { type: 'key-request', id: 'r1' },
        entityRef: 'component:default/qwen3',
        fromState: undefined,
        toState: 'pending',
        // Whose request and what it asks, for the audit's sentences.
        details: {
          owner: 'user:default/jane',
          tier: 'free',
          kind: 'new-key',
        },
      });
      expect(await store.audit.list({ limit: 1 })).toHaveLength(1);
    },
  );
});
