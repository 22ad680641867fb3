/*
 * Two replicas of the MaaS backend on one PostgreSQL database and one API server, as a
 * Deployment with two pods runs it: each its own backend and its own connection pool, requests
 * alternated between them.
 */
import { BackendFeature } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import {
  createTestNamespace,
  deleteTestNamespace,
  harnessEnv,
  harnessKubeConfig,
} from '@maas-portal/harness/testing';
import { MAAS_KEY_LABELS } from '@maas-portal/plugin-maas-common';
import { Knex } from 'knex';
import type { Server } from 'node:http';
import request from 'supertest';
import { createBoundModel, modelComponent } from './__testUtils__/harness';
import { secondPool } from './__testUtils__/secondPool';
import {
  startMaasBackend,
  waitUntilBound,
} from './__testUtils__/startMaasBackend';
import {
  ADMIN,
  as,
  DEV_A,
  DEV_B,
  examplePolicyUsers,
  TEAM_A,
} from './__testUtils__/testUsers';

jest.setTimeout(180_000);

const QWEN = 'component:default/qwen3';
const signedIn = examplePolicyUsers({ [QWEN]: TEAM_A });

describe('two replicas on one PostgreSQL', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
  let kc: KubeConfig;
  let ns: string;
  let pools: Knex[];
  let replicas: Server[];
  let entities: Entity[];

  const startReplica = (knex: Knex, features: BackendFeature[] = []) =>
    startMaasBackend({
      features: [...signedIn, ...features],
      entities,
      knex,
      maas: { keys: { namespace: ns, maxActivePerUserAndModel: 1000 } },
    });

  /** The replica of the n-th call: calls alternate between the two. */
  const replica = (n: number) => replicas[n % replicas.length];

  beforeAll(async () => {
    harnessEnv('BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING');
    kc = harnessKubeConfig();
    ns = await createTestNamespace(kc, 'replicas');
    await createBoundModel(kc, ns, 'qwen3', TEAM_A);
    entities = [modelComponent('qwen3', `${ns}/qwen3`, TEAM_A)];
    const knex = await databases.init('POSTGRES_15');
    pools = [knex, secondPool(knex)];
    // Both pods start at once on an empty database: both must migrate or wait, not fail.
    replicas = await Promise.all(pools.map(pool => startReplica(pool)));
    for (const server of replicas) await waitUntilBound(server, QWEN, DEV_A);
  });

  afterAll(async () => {
    await pools?.[1]?.destroy();
    if (kc && ns) await deleteTestNamespace(kc, ns);
  });

  const askForKey = async (n: number, user = DEV_B, reason = `r${n}`) => {
    const res = await request(replica(n))
      .post('/api/maas/keys/requests')
      .set(as(user))
      .send({ entityRef: QWEN, tier: 'premium', reason });
    expect(res.status).toBe(201);
    return res.body.request.id as string;
  };

  const secretsOfRequest = async (requestId: string) =>
    (
      await kc.makeApiClient(CoreV1Api).listNamespacedSecret({
        namespace: ns,
        labelSelector: `${MAAS_KEY_LABELS.requestId}=${requestId}`,
      })
    ).items;

  it('50 parallel approvals of one request, alternated: one approval, one key, one Secret', async () => {
    const id = await askForKey(0);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, n) =>
        request(replica(n))
          .post('/api/maas/keys/requests/decisions')
          .set(as(ADMIN))
          .send({ ids: [id], decision: 'approve' }),
      ),
    );
    expect(answers.map(a => a.status)).toEqual(Array(50).fill(200));
    const results = answers.map(a => a.body[0]);
    const approved = results.filter(r => r.ok);
    expect(approved).toHaveLength(1);
    expect(approved[0].request.state).toBe('issued');
    for (const refused of results.filter(r => !r.ok))
      expect(refused.error).toMatch(
        new RegExp(`^Key request ${id} is already decided: (approved|issued)$`),
      );

    expect(await secretsOfRequest(id)).toHaveLength(1);
    const [knex] = pools;
    expect(await knex('maas_keys').where({ request_id: id })).toHaveLength(1);
    const decisions = await knex('maas_audit_events').where({
      subject_id: id,
      to_state: 'approved',
    });
    expect(decisions).toHaveLength(1);
    // Both replicas list the same one key.
    for (const server of replicas) {
      const keys = await request(server)
        .get(`/api/maas/keys?mine=true&entityRef=${QWEN}`)
        .set(as(DEV_B));
      expect(keys.body.filter((k: any) => k.id === id)).toHaveLength(1);
    }
  });

  it('shows a key once across replicas: the second reveal, on the other replica, is refused', async () => {
    const id = await askForKey(1);
    const decided = await request(replica(0))
      .post('/api/maas/keys/requests/decisions')
      .set(as(ADMIN))
      .send({ ids: [id], decision: 'approve' });
    expect(decided.body[0]).toMatchObject({ ok: true });

    const first = await request(replica(0))
      .post(`/api/maas/keys/${id}/reveal`)
      .set(as(DEV_B));
    expect(first.status).toBe(200);
    expect(first.body.value).toMatch(/^\S{20,}$/);
    const second = await request(replica(1))
      .post(`/api/maas/keys/${id}/reveal`)
      .set(as(DEV_B));
    expect(second.status).toBe(409);
    expect(second.body.error.message).toBe(
      `Key ${id} was already shown once; rotate the key to get a new one`,
    );
  });

  it('shows a key once when 20 reveals race on both replicas', async () => {
    const id = await askForKey(2);
    await request(replica(1))
      .post('/api/maas/keys/requests/decisions')
      .set(as(ADMIN))
      .send({ ids: [id], decision: 'approve' });
    const reveals = await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        request(replica(n)).post(`/api/maas/keys/${id}/reveal`).set(as(DEV_B)),
      ),
    );
    const statuses = reveals.map(r => r.status).sort();
    expect(statuses).toEqual([200, ...Array(19).fill(409)]);
  });

  it('200 parallel key requests, alternated: 200 records, no 5xx', async () => {
    const users = Array.from(
      { length: 20 },
      (_, i) => `user:default/load-${i}`,
    );
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, n) =>
        request(replica(n))
          .post('/api/maas/keys/requests')
          .set(as(users[n % users.length]))
          .send({ entityRef: QWEN, tier: 'premium', reason: `load ${n}` }),
      ),
    );
    expect(answers.filter(a => a.status >= 500)).toEqual([]);
    expect(answers.map(a => a.status)).toEqual(Array(200).fill(201));
    const ids = new Set(answers.map(a => a.body.request.id));
    expect(ids.size).toBe(200);
    const [{ n }] = await pools[0]('maas_key_requests')
      .whereIn('user_entity_ref', users)
      .count({ n: '*' });
    expect(Number(n)).toBe(200);
  });

  it('pages a list the same on either replica: a cursor from one works on the other', async () => {
    const ids = new Set<string>();
    for (let n = 0; n < 5; n++) ids.add(await askForKey(n, DEV_A, `page${n}`));
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let n = 0; ; n++) {
      const res = await request(replica(n))
        .get('/api/maas/keys/requests')
        .query({ mine: true, limit: 2, ...(cursor ? { cursor } : {}) })
        .set(as(DEV_A));
      expect(res.status).toBe(200);
      expect(res.body.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.map((r: { id: string }) => r.id));
      cursor = res.headers['x-next-cursor'];
      if (!cursor) break;
    }
    expect(seen).toHaveLength(5);
    expect(new Set(seen)).toEqual(ids);
  });
});
