import request from 'supertest';
import { useMaasBackendOnModels } from '../__testUtils__/startMaasBackend';
import { ADMIN, as, DEV_A, DEV_B, TEAM_A } from '../__testUtils__/testUsers';

jest.setTimeout(60_000);

const QWEN = 'component:default/qwen3';

describe('paged lists over HTTP, per user', () => {
  const bed = useMaasBackendOnModels({
    prefix: 'list-paging',
    models: { qwen3: TEAM_A },
    maas: {
      keys: { namespace: 'no-such-namespace', maxActivePerUserAndModel: 10 },
    },
  });

  /** Every page of `path` as `user`, `limit` rows at most each: the ids page by page. */
  async function pages(user: string, path: string, limit: number) {
    const all: string[][] = [];
    let cursor: string | undefined;
    do {
      const res = await request(bed.server)
        .get(path)
        .query({ limit, ...(cursor ? { cursor } : {}) })
        .set(as(user));
      expect(res.status).toBe(200);
      all.push(res.body.map((r: { id: string }) => r.id));
      cursor = res.headers['x-next-cursor'];
    } while (cursor);
    return all;
  }

  // Requests to page through: Jane's 4 and Bob's 3.
  beforeAll(async () => {
    for (const [user, count] of [
      [DEV_A, 4],
      [DEV_B, 3],
    ] as const) {
      for (let i = 0; i < count; i++) {
        const res = await request(bed.server)
          .post('/api/maas/keys/requests')
          .set(as(user))
          .send({ entityRef: QWEN, tier: 'premium', reason: `r${i}` });
        if (res.status !== 201)
          throw new Error(`asking for a key: ${res.status} ${res.text}`);
      }
    }
  });

  it('pages requests by the rows each caller may see: Bob his 3, Jane (team A owns the model) and the admin all 7', async () => {
    const bob = await pages(DEV_B, '/api/maas/keys/requests', 2);
    expect(bob.map(p => p.length)).toEqual([2, 1]);
    const jane = await pages(DEV_A, '/api/maas/keys/requests', 3);
    expect(jane.map(p => p.length)).toEqual([3, 3, 1]);
    const admin = (await pages(ADMIN, '/api/maas/keys/requests', 7)).flat();
    expect(admin).toHaveLength(7);
    expect(new Set(jane.flat())).toEqual(new Set(admin));
    expect(admin).toEqual(expect.arrayContaining(bob.flat()));
  });

  it('pages the audit trail to its end', async () => {
    const audit = await pages(ADMIN, '/api/maas/audit', 4);
    expect(audit.map(p => p.length)).toEqual([4, 3]);
  });

  it.each([
    ['/api/maas/keys?limit=0', 'limit must be a whole number from 1 to 500'],
    [
      '/api/maas/keys/requests?limit=501',
      'limit must be a whole number from 1 to 500',
    ],
    [
      '/api/maas/audit?limit=1001',
      'limit must be a whole number from 1 to 1000',
    ],
    [
      '/api/maas/keys?cursor=bm9wZQ',
      'cursor is not a cursor this list gave (X-Next-Cursor); ask for the first page without it',
    ],
    [
      '/api/maas/audit?cursor=WyJ4IiwieSJd',
      'cursor is not a cursor this list gave (X-Next-Cursor); ask for the first page without it',
    ],
  ])('refuses %s, saying what to send', async (path, message) => {
    const res = await request(bed.server).get(path).set(as(ADMIN));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(message);
  });
});
