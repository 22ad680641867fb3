/*
 * Fault drills: the harness's own API server, Prometheus and PostgreSQL are stopped and started
 * again under a running backend (through the harness's control endpoint), and each answer must
 * name the part that failed, then recover without restarting the backend. Exclusive: the other
 * tests of this harness would see the same outages.
 */
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import {
  createTestNamespace,
  deleteTestNamespace,
  eventually,
  harnessEnv,
  harnessKubeConfig,
  startServer,
  stopServer,
} from '@maas-portal/harness/testing';
import {
  MAAS_HTTP_ROUTE_ANNOTATION,
  MAAS_KEY_LABELS,
} from '@maas-portal/plugin-maas-common';
import { HTTP_ROUTE } from '@maas-portal/plugin-maas-node';
import { Knex } from 'knex';
import type { Server } from 'node:http';
import request from 'supertest';
import {
  createBoundModel,
  createObject,
  httpRoute,
  modelComponent,
} from './__testUtils__/harness';
import { replicaKeyServices } from './__testUtils__/replicaKeyServices';
import { secondPool } from './__testUtils__/secondPool';
import { startMaasBackend } from './__testUtils__/startMaasBackend';
import {
  ADMIN,
  as,
  DEV_B,
  examplePolicyUsers,
  TEAM_A,
} from './__testUtils__/testUsers';
import { runKeyTasks } from './keys/scheduleKeyTasks';

jest.setTimeout(300_000);

const model = (name: string) => `component:default/${name}`;

describe('fault drills: servers of the harness stop and come back under a running backend', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
  let kc: KubeConfig;
  let ns: string;
  let knex: Knex;
  let server: Server;
  const entities: Entity[] = [];

  /** A model bound to its entity (owned by team A), with its HTTPRoute. */
  async function createModel(name: string) {
    await createBoundModel(kc, ns, name, TEAM_A);
    await createObject(kc, HTTP_ROUTE, httpRoute(ns, name) as any);
  }
  const entity = (name: string): Entity => {
    const component = modelComponent(name, `${ns}/${name}`, TEAM_A) as Entity;
    component.metadata.annotations![
      MAAS_HTTP_ROUTE_ANNOTATION
    ] = `${ns}/${name}-route`;
    return component;
  };
  const get = (path: string) => request(server).get(path).set(as(ADMIN));

  beforeAll(async () => {
    kc = harnessKubeConfig();
    ns = await createTestNamespace(kc, 'drills');
    await createModel('before');
    // The entity of a model made only after the API server's restart: the catalog knows it already.
    entities.push(entity('before'), entity('after'));
    knex = await databases.init('POSTGRES_15');
    server = await startMaasBackend({
      features: examplePolicyUsers({}),
      entities,
      knex,
      maas: {
        prometheus: {
          url: harnessEnv('MAAS_HARNESS_PROMETHEUS_URL'),
          timeoutMs: 3000,
          cacheTtlSeconds: 1,
        },
        keys: { namespace: ns, maxActivePerUserAndModel: 100 },
      },
    });
    await eventually(async () => {
      const res = await get(
        `/api/maas/models/by-entity?entityRef=${model('before')}`,
      );
      if (res.status !== 200) throw new Error(`${res.status} ${res.text}`);
    }, 30_000);
  });

  afterAll(async () => {
    if (kc && ns) await deleteTestNamespace(kc, ns);
  });

  it('the API server restarted during the watches: reads go on from the cache, then the cache catches up without a backend restart', async () => {
    await stopServer('kube-apiserver');
    try {
      const status = await get('/api/maas/status');
      expect(status.status).toBe(200);
      expect(status.body.cluster.state).toBe('unreachable');
      expect(status.body.cluster.message).toMatch(
        /^The Kubernetes API server at \S+ is unreachable/,
      );
      // The last good data still answers.
      const page = await get(
        `/api/maas/models/by-entity?entityRef=${model('before')}`,
      );
      expect(page.status).toBe(200);
      expect(page.body.inferenceService).toMatchObject({
        name: 'before',
        found: true,
      });
    } finally {
      await startServer('kube-apiserver');
    }
    // A model made after the restart reaches the same backend through its watch.
    await createModel('after');
    await eventually(async () => {
      const res = await get(
        `/api/maas/models/by-entity?entityRef=${model('after')}`,
      );
      if (!res.body.inferenceService?.found)
        throw new Error(`not seen yet: ${res.status} ${res.text}`);
    }, 90_000);
    const status = await get('/api/maas/status');
    expect(status.body.cluster.state).toBe('connected');
    const list = await get('/api/maas/models');
    expect(list.status).toBe(200);
    const names = list.body.items
      .filter((m: any) => m.inferenceService.namespace === ns)
      .map((m: any) => m.inferenceService.name);
    expect(names.sort()).toEqual(['after', 'before']);
  });

  it('Prometheus killed while usage is being read: 503 naming Prometheus, never a 500, and usage again once it is back', async () => {
    const usage = () =>
      get(
        `/api/maas/models/by-entity/usage?entityRef=${model(
          'before',
        )}&range=7d`,
      );
    expect((await usage()).status).toBe(200);
    // Requests in flight while Prometheus is killed (SIGKILL): each answers 200 or 503.
    const inFlight = Array.from({ length: 8 }, (_, i) =>
      new Promise(r => setTimeout(r, i * 25)).then(usage),
    );
    await stopServer('prometheus', 'kill');
    try {
      const answers = await Promise.all(inFlight);
      for (const answer of answers) expect([200, 503]).toContain(answer.status);
      await new Promise(r => setTimeout(r, 1100)); // past the usage cache's 1 s
      const down = await usage();
      expect(down.status).toBe(503);
      expect(down.body.error.message).toMatch(
        /^Prometheus \(maas\.prometheus\.url\) is unreachable .*so usage cannot be shown/,
      );
      // Its address is the platform team's to know, not in a user's answer.
      expect(down.body.error.message).not.toContain(
        harnessEnv('MAAS_HARNESS_PROMETHEUS_URL'),
      );
      const status = await get('/api/maas/status');
      expect(status.body.prometheus.state).toBe('unreachable');
    } finally {
      await startServer('prometheus');
    }
    await eventually(async () => {
      const res = await usage();
      if (res.status !== 200) throw new Error(`${res.status} ${res.text}`);
    }, 30_000);
  });

  it('PostgreSQL restarted during approvals: the answers name the database, no key is lost or doubled, and the next approval works', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await request(server)
        .post('/api/maas/keys/requests')
        .set(as(DEV_B))
        .send({
          entityRef: model('before'),
          tier: 'premium',
          reason: `drill ${i}`,
        });
      expect(res.status).toBe(201);
      ids.push(res.body.request.id);
    }
    const watcher = secondPool(knex);
    const decisions = request(server)
      .post('/api/maas/keys/requests/decisions')
      .set(as(ADMIN))
      .send({ ids, decision: 'approve' })
      .then(res => res);
    // Stop it once the first key is out: the rest of the batch is still being approved.
    await eventually(
      async () => {
        const [{ n }] = await watcher('maas_keys')
          .whereIn('request_id', ids)
          .count({ n: '*' });
        if (Number(n) < 1) throw new Error('no key yet');
      },
      30_000,
      20,
    );
    await watcher.destroy();
    await stopServer('postgres');
    let restarted = false;
    try {
      const answer = await decisions;
      expect(answer.status).toBe(200);
      const failed = answer.body.filter((r: { ok: boolean }) => !r.ok);
      expect(failed.length).toBeGreaterThan(0);
      for (const f of failed)
        expect(f.error).toMatch(
          /^The portal's database \(backend\.database\) is unreachable or restarting/,
        );
      const list = await request(server).get('/api/maas/keys').set(as(DEV_B));
      expect(list.status).toBe(503);
      expect(list.body.error.message).toMatch(
        /^The portal's database \(backend\.database\) is unreachable or restarting.*Try again in a moment/,
      );
      await startServer('postgres');
      restarted = true;
    } finally {
      if (!restarted) await startServer('postgres');
    }

    // What a crash between the database and the cluster left, the key task repairs (on any replica).
    const repairPool = secondPool(knex);
    try {
      const { keys, secrets } = await replicaKeyServices({
        knex: repairPool,
        kubeConfig: kc,
        namespace: ns,
      });
      await eventually(async () => {
        const report = await runKeyTasks({
          keys,
          secrets,
          logger: mockServices.logger.mock(),
          namespaces: [],
          graceMs: 0,
        });
        if (report.failures.length) throw new Error(report.failures.join('; '));
      }, 30_000);
    } finally {
      await repairPool.destroy();
    }

    // The same backend answers again, and the requests still pending are approved now.
    await eventually(async () => {
      const res = await request(server).get('/api/maas/keys').set(as(DEV_B));
      if (res.status !== 200) throw new Error(`${res.status} ${res.text}`);
    }, 30_000);
    const pending = (
      await request(server)
        .get('/api/maas/keys/requests?mine=true&state=pending&limit=100')
        .set(as(DEV_B))
    ).body
      .map((r: { id: string }) => r.id)
      .filter((id: string) => ids.includes(id));
    const next = pending.length
      ? (
          await request(server)
            .post('/api/maas/keys/requests/decisions')
            .set(as(ADMIN))
            .send({ ids: pending, decision: 'approve' })
        ).body
      : [];
    expect(next.filter((r: { ok: boolean }) => !r.ok)).toEqual([]);
    // Every request: issued, one key, one Secret.
    const rows = await knex('maas_keys').whereIn('request_id', ids);
    expect(rows.map(r => r.request_id).sort()).toEqual([...ids].sort());
    const requests = await knex('maas_key_requests').whereIn('id', ids);
    expect(requests.map(r => r.state)).toEqual(
      Array(ids.length).fill('issued'),
    );
    const secretsLeft = await kc.makeApiClient(CoreV1Api).listNamespacedSecret({
      namespace: ns,
      labelSelector: MAAS_KEY_LABELS.requestId,
    });
    const byRequest = secretsLeft.items.map(
      s => s.metadata!.labels![MAAS_KEY_LABELS.requestId],
    );
    expect(byRequest.filter(id => ids.includes(id)).sort()).toEqual(
      [...ids].sort(),
    );
  });
});
