// Benchmark of the paged key lists and of parallel key requests, run on demand inside the harness:
//   yarn bench:keys     (= node packages/harness/src/cli.ts run -- node plugins/maas-backend/bench/key-lists.mts)
// Starts the real backend on the harness's PostgreSQL with one model, writes BENCH_KEYS (10,000)
// key records with as many requests and three audit events each straight into its database, then
// prints p50/p95 of the first page (and of a deep page) of each list: all keys, my keys, the
// approvals queue, my requests, the audit trail. Records only: the list routes read no Secret
// (a key's value is read only by the one-time reveal), so no Secret is created. Then it sends
// BENCH_PARALLEL (200) key requests at once and prints the statuses and the records they made.
import { KubeConfig } from '@kubernetes/client-node';
import { harnessEnv } from '@maas-portal/harness/testing';
import knexFactory from 'knex';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { guestSignIn, startBenchBackend } from './benchBackend.mts';
import { summary, timedGet } from './latencies.mts';
import { seedBenchCluster } from './seedBenchCluster.mts';

const KEYS = Number(process.env.BENCH_KEYS ?? 10_000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);
const PARALLEL = Number(process.env.BENCH_PARALLEL ?? 200);
const prefix = `maas_bench_${process.pid}_`;

async function startBackend(port: number) {
  const dir = mkdtempSync(join(tmpdir(), 'maas-bench-keys-'));
  const backend = await startBenchBackend(dir, {
    how: 'node',
    port,
    database: {
      client: 'pg',
      connection: harnessEnv('MAAS_HARNESS_POSTGRES_URL'),
      prefix,
    },
    maas: {
      cluster: { kubeconfig: harnessEnv('MAAS_HARNESS_KUBECONFIG') },
      prometheus: { url: harnessEnv('MAAS_HARNESS_PROMETHEUS_URL') },
      keys: { maxActivePerUserAndModel: 100_000 },
    },
  });
  console.log(`backend up on PostgreSQL (log: ${backend.log})`);
  return backend;
}

/** BENCH_KEYS keys with their requests and three audit events each, and a tenth as many pending requests; 1 in 10 the caller's. */
async function seedRecords(entityRef: string, model: string, me: string) {
  const url = new URL(harnessEnv('MAAS_HARNESS_POSTGRES_URL'));
  url.pathname = `/${prefix}maas`;
  const db = knexFactory({ client: 'pg', connection: url.toString() });
  const t0 = Date.now();
  const start = Date.now() - KEYS * 2 * 60_000;
  const keys = [];
  const requests = [];
  const events = [];
  for (let i = 0; i < KEYS * 1.1; i++) {
    const id = randomUUID();
    const user = i % 10 === 0 ? me : `user:default/dev-${i % 500}`;
    const at = new Date(start + i * 60_000);
    const pending = i >= KEYS;
    const common = {
      entity_ref: entityRef,
      model,
      user_entity_ref: user,
      tier: 'premium',
      created_at: at,
      updated_at: at,
    };
    requests.push({
      ...common,
      id,
      kind: 'new-key',
      reason: `bench ${i}`,
      state: pending ? 'pending' : 'issued',
      key_id: pending ? null : id,
    });
    if (!pending)
      keys.push({
        ...common,
        id,
        request_id: id,
        hash: id.replace(/-/g, '').padEnd(64, '0'),
        display_prefix: 'maas_bench…',
        state: 'active',
        secret_namespace: 'kuadrant-system',
        secret_name: `maas-key-${id}`,
      });
    for (const action of pending
      ? ['request.created']
      : ['request.created', 'request.approved', 'key.issued'])
      events.push({
        at,
        actor: user,
        action,
        subject_type: action.startsWith('key') ? 'key' : 'key-request',
        subject_id: id,
        entity_ref: entityRef,
      });
  }
  await db.batchInsert('maas_key_requests', requests, 500);
  await db.batchInsert('maas_keys', keys, 500);
  await db.batchInsert('maas_audit_events', events, 1000);
  await db.raw('analyze');
  console.log(
    `seeded ${keys.length} keys, ${requests.length} requests (${
      requests.length - keys.length
    } pending), ${events.length} audit events in ${(
      (Date.now() - t0) /
      1000
    ).toFixed(1)} s`,
  );
  return db;
}

async function main() {
  const kc = new KubeConfig();
  kc.loadFromFile(harnessEnv('MAAS_HARNESS_KUBECONFIG'));
  const [name] = await seedBenchCluster({
    kc,
    namespace: 'llm',
    models: 1,
    secrets: 0,
  });
  const entityRef = `component:default/${name}`;
  const backend = await startBackend(7108);
  try {
    const guest = await guestSignIn(backend.baseUrl);
    const me = guest.userEntityRef;
    const headers = {
      ...guest.headers,
      'content-type': 'application/json',
    };
    const db = await seedRecords(entityRef, `llm/${name}`, me);
    const get = async (path: string) => {
      const { ms, res, body } = await timedGet(
        `${backend.baseUrl}/api/maas${path}`,
        headers,
      );
      return {
        ms,
        rows: JSON.parse(body.toString()).length as number,
        next: res.headers.get('x-next-cursor'),
      };
    };
    const lists = {
      'GET /keys (all keys, admin)': '/keys',
      'GET /keys?mine=true': '/keys?mine=true',
      'GET /keys/requests?state=pending (approvals queue)':
        '/keys/requests?state=pending',
      'GET /keys/requests?mine=true': '/keys/requests?mine=true',
      'GET /audit': '/audit',
    };
    console.log(
      `first pages (default limit), ${SAMPLES} sequential requests each, as ${me} (an admin); load average ${loadavg()
        .map(l => l.toFixed(1))
        .join(' ')} on ${availableParallelism()} cores:`,
    );
    for (const [label, path] of Object.entries(lists)) {
      await get(path);
      const samples: number[] = [];
      let rows = 0;
      let deepCursor: string | null = null;
      for (let i = 0; i < SAMPLES; i++) {
        const page = await get(path);
        samples.push(page.ms);
        rows = page.rows;
        deepCursor = page.next;
      }
      // The 20th page: keyset paging costs the same deep in the list.
      let deep = { ms: 0, rows: 0 };
      for (let p = 1; p < 20 && deepCursor; p++) {
        const sep = path.includes('?') ? '&' : '?';
        const page = await get(
          `${path}${sep}cursor=${encodeURIComponent(deepCursor)}`,
        );
        deep = page;
        deepCursor = page.next;
      }
      const { p50, p95 } = summary(samples);
      console.log(
        `  ${label}: ${rows} rows, p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(
          1,
        )} ms; 20th page ${deep.ms.toFixed(1)} ms (${deep.rows} rows)`,
      );
    }

    // The database's share of a first page: the store's queries, as PostgreSQL plans and runs them.
    const plans = {
      'all keys': db('maas_keys').orderBy('created_at', 'desc').orderBy('id'),
      'my keys': db('maas_keys')
        .where('user_entity_ref', me)
        .orderBy('created_at', 'desc')
        .orderBy('id'),
      'pending requests': db('maas_key_requests')
        .where('state', 'pending')
        .orderBy('created_at', 'desc')
        .orderBy('id'),
      audit: db('maas_audit_events').orderBy('id', 'desc'),
    };
    for (const [label, query] of Object.entries(plans)) {
      const { rows } = await db.raw(
        `explain (analyze, format json) ${query.limit(201).toString()}`,
      );
      const [plan] = rows[0]['QUERY PLAN'];
      const nodes: string[] = [];
      const walk = (node: any) => {
        nodes.push(
          node['Index Name']
            ? `${node['Node Type']} on ${node['Index Name']}`
            : node['Node Type'],
        );
        for (const child of node.Plans ?? []) walk(child);
      };
      walk(plan.Plan);
      console.log(
        `  database, ${label}: ${plan['Execution Time'].toFixed(
          2,
        )} ms (${nodes.join(' > ')})`,
      );
    }

    // The seeded model was applied outside the portal: the admin adopts it, so keys may be asked for.
    const adopted = await fetch(
      `${backend.baseUrl}/api/maas/models/by-entity/adopt?entityRef=${entityRef}`,
      { method: 'POST', headers },
    );
    if (!adopted.ok)
      throw new Error(`adopting ${entityRef}: ${await adopted.text()}`);
    const [{ n: before }] = await db('maas_key_requests').count({ n: '*' });
    const t0 = performance.now();
    const answers = await Promise.all(
      Array.from({ length: PARALLEL }, async (_, i) => {
        const res = await fetch(`${backend.baseUrl}/api/maas/keys/requests`, {
          method: 'POST',
          headers,
          body: JSON.stringify({
            entityRef,
            tier: 'premium',
            reason: `parallel ${i}`,
          }),
        });
        return { status: res.status, body: await res.text() };
      }),
    );
    const statuses = answers.map(a => a.status);
    for (const status of new Set(statuses))
      if (status !== 201)
        console.log(
          `  a ${status}: ${answers
            .find(a => a.status === status)!
            .body.slice(0, 300)}`,
        );
    const seconds = (performance.now() - t0) / 1000;
    const [{ n: after }] = await db('maas_key_requests').count({ n: '*' });
    const byStatus = new Map<number, number>();
    for (const s of statuses) byStatus.set(s, (byStatus.get(s) ?? 0) + 1);
    console.log(
      `${PARALLEL} parallel POST /keys/requests in ${seconds.toFixed(2)} s: ${[
        ...byStatus,
      ]
        .map(([s, n]) => `${n} × ${s}`)
        .join(', ')}; records made: ${Number(after) - Number(before)}; 5xx: ${
        statuses.filter(s => s >= 500).length
      }`,
    );
    await db.destroy();
  } finally {
    backend.stop();
  }
}

main().catch(error => {
  console.error(`benchmark failed: ${error.message}`);
  process.exit(1);
});
