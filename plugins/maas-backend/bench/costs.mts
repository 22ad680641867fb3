// Benchmark of the Costs endpoint, run on demand (no harness needed):
//   yarn bench:costs     (= node plugins/maas-backend/bench/costs.mts)
// Backfills a Prometheus of its own (Debian's prometheus and promtool) with 1,000 users x 20
// models x 30 days of Limitador-shaped counters (authorized_calls and authorized_hits per user,
// tier and route: 40,000 series, a sample every BENCH_STEP_SECONDS, default 3600), writes a
// catalog of those 1,000 users in 50 teams under 5 departments, 20 model components and 5
// Systems, starts the real backend (catalog, permission policy, maas plugin) on them, and prints
// p50/p95 of GET /api/maas/costs over the 30 days: each request a window 15 s later than the one
// before (a range nobody opened yet: Prometheus computes every answer), then warm: a range that
// ends now, reloaded for a few minutes, as a Costs page is (the figures are kept per range for
// maas.prometheus.cacheTtlSeconds, then shown at once while newer ones are computed).
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  guestSignIn,
  root,
  startBenchBackend,
  waitUntil,
} from './benchBackend.mts';
import { summary, timedGet } from './latencies.mts';
import { countedInWindow } from '../src/prometheus/promql.ts';

const USERS = Number(process.env.BENCH_USERS ?? 1000);
const MODELS = Number(process.env.BENCH_MODELS ?? 20);
const DAYS = Number(process.env.BENCH_DAYS ?? 30);
const STEP = Number(process.env.BENCH_STEP_SECONDS ?? 3600);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20);
const RELOADS = Number(process.env.BENCH_RELOADS ?? 40);
const RELOAD_SECONDS = Number(process.env.BENCH_RELOAD_SECONDS ?? 5);
const TEAMS = 50;
const DEPARTMENTS = 5;
const SYSTEMS = 5;
const dir = mkdtempSync(join(tmpdir(), 'maas-bench-costs-'));
const children: ChildProcess[] = [];
let stopBackend = () => {};

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const userName = (u: number) => `bench-user-${pad(u, 4)}`;
const modelName = (m: number) => `bench-model-${pad(m, 2)}`;
const teamOf = (u: number) => u % TEAMS;
const tierOf = (u: number) =>
  u % 10 === 0 ? 'enterprise' : u % 10 < 4 ? 'premium' : 'free';

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
    server.on('error', fail);
  });
}

const seconds = (since: number) =>
  `${((Date.now() - since) / 1000).toFixed(1)} s`;

/** promtool writes 2-hour blocks; it reads its whole input once per block, so it gets one file per block. */
const BLOCK_SECONDS = 7200;

/**
 * Backfills the counters into `dataDir`, one OpenMetrics file (and one promtool run) per 2-hour
 * block, each series' values carried from block to block; the number of samples.
 */
function backfill(dataDir: string, end: number): number {
  const start = end - DAYS * 86400;
  const series = USERS * MODELS;
  const values = {
    authorized_calls: new Float64Array(series),
    authorized_hits: new Float64Array(series),
  };
  const file = join(dir, 'block.om.txt');
  let samples = 0;
  for (
    let block = Math.floor(start / BLOCK_SECONDS) * BLOCK_SECONDS;
    block <= end;
    block += BLOCK_SECONDS
  ) {
    const lines: string[] = [];
    for (const metric of ['authorized_calls', 'authorized_hits'] as const) {
      lines.push(`# TYPE ${metric} unknown`);
      for (let u = 0; u < USERS; u++) {
        for (let m = 0; m < MODELS; m++) {
          const s = u * MODELS + m;
          const name = `${metric}{group="${tierOf(
            u,
          )}",limitador_namespace="llm/${modelName(m)}-route",user="${userName(
            u,
          )}"}`;
          const tokensPerCall = 100 + ((u * 7 + m * 13) % 400);
          for (
            let t = Math.max(start, block);
            t < block + BLOCK_SECONDS && t <= end;
            t += STEP
          ) {
            if ((t - start) % STEP !== 0) continue;
            lines.push(`${name} ${values[metric][s]} ${t}`);
            const calls = (u * 31 + m * 17 + (t - start) / STEP) % 7;
            values[metric][s] +=
              metric === 'authorized_calls' ? calls : calls * tokensPerCall;
            samples++;
          }
        }
      }
    }
    lines.push('# EOF');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const promtool = spawnSync(
      '/usr/bin/promtool',
      ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', file, dataDir],
      { encoding: 'utf8' },
    );
    if (promtool.status !== 0) throw new Error(`promtool: ${promtool.stderr}`);
  }
  rmSync(file);
  return samples;
}

/** Blocks Prometheus holds: backfilled 2-hour blocks until its compaction merges them. */
async function blocksLoaded(promUrl: string): Promise<number> {
  const text = await (await fetch(`${promUrl}/metrics`)).text();
  const line = text
    .split('\n')
    .find(l => l.startsWith('prometheus_tsdb_blocks_loaded '));
  if (!line)
    throw new Error('Prometheus reports no prometheus_tsdb_blocks_loaded');
  return Number(line.split(' ')[1]);
}

function catalogYaml(): string {
  const docs: string[] = [];
  for (let d = 0; d < DEPARTMENTS; d++) {
    const teams = Array.from({ length: TEAMS }, (_, t) => t)
      .filter(t => t % DEPARTMENTS === d)
      .map(t => `bench-team-${pad(t, 2)}`);
    docs.push(
      `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: bench-dept-${d}\nspec:\n  type: department\n  children: [${teams.join(
        ', ',
      )}]`,
    );
  }
  for (let t = 0; t < TEAMS; t++) {
    docs.push(
      `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: bench-team-${pad(
        t,
        2,
      )}\n  annotations:\n    maas.kuadrant.io/team-leads: ${userName(
        t,
      )}\nspec:\n  type: team\n  parent: bench-dept-${
        t % DEPARTMENTS
      }\n  children: []`,
    );
  }
  for (let u = 0; u < USERS; u++) {
    docs.push(
      `apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata:\n  name: ${userName(
        u,
      )}\nspec:\n  profile:\n    displayName: Bench User ${u}\n  memberOf: [bench-team-${pad(
        teamOf(u),
        2,
      )}]`,
    );
  }
  for (let s = 0; s < SYSTEMS; s++) {
    docs.push(
      `apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: bench-system-${s}\nspec:\n  owner: bench-dept-0`,
    );
  }
  for (let m = 0; m < MODELS; m++) {
    docs.push(
      `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${modelName(
        m,
      )}\n  annotations:\n    maas.kuadrant.io/inference-service: llm/${modelName(
        m,
      )}\n    maas.kuadrant.io/http-route: llm/${modelName(
        m,
      )}-route\nspec:\n  type: model-server\n  lifecycle: production\n  owner: bench-dept-0\n  system: bench-system-${
        m % SYSTEMS
      }`,
    );
  }
  return `${docs.join('\n---\n')}\n`;
}

function start(name: string, command: string, args: string[]) {
  const log = join(dir, `${name}.log`);
  const child = spawn(command, args, {
    cwd: root,
    stdio: ['ignore', openSync(log, 'a'), openSync(log, 'a')],
    detached: true,
  });
  children.push(child);
  return log;
}

function stopAll() {
  stopBackend();
  for (const child of children) {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}

async function timed(urls: string[], headers: Record<string, string>) {
  const latencies: number[] = [];
  let bytes = 0;
  for (const url of urls) {
    const { ms, body } = await timedGet(url, headers);
    latencies.push(ms);
    bytes = body.byteLength;
  }
  return { ...summary(latencies), bytes };
}

async function main() {
  const end = Math.floor(Date.now() / 1000 / STEP) * STEP;
  let t = Date.now();
  const data = join(dir, 'prometheus');
  const samples = backfill(data, end);
  console.log(
    `backfilled ${USERS * MODELS * 2} series, ${samples.toLocaleString(
      'en-US',
    )} samples (a sample every ${STEP} s) in ${seconds(t)}`,
  );

  t = Date.now();
  const promPort = await freePort();
  const promUrl = `http://127.0.0.1:${promPort}`;
  writeFileSync(join(dir, 'prometheus.yml'), 'scrape_configs: []\n');
  start('prometheus', '/usr/bin/prometheus', [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${data}`,
    `--web.listen-address=127.0.0.1:${promPort}`,
    '--storage.tsdb.retention.time=400d',
    '--log.level=warn',
  ]);
  await waitUntil(
    'Prometheus ready',
    async () => (await fetch(`${promUrl}/-/ready`)).ok,
    120_000,
  );
  console.log(`Prometheus ready in ${seconds(t)}`);
  // A Prometheus that has held 30 days has compacted them; wait until its compaction is done.
  t = Date.now();
  const initial = await blocksLoaded(promUrl);
  let blocks = initial;
  // Prometheus compacts a minute after start, then every minute; done when the count stays.
  for (let waited = 30; waited <= 900; waited += 30) {
    await new Promise(r => setTimeout(r, 30_000));
    const now = await blocksLoaded(promUrl);
    if (now === blocks && waited > 90) break;
    blocks = now;
  }
  console.log(`compacted ${initial} blocks into ${blocks} in ${seconds(t)}`);

  const catalog = join(dir, 'catalog.yaml');
  writeFileSync(catalog, catalogYaml());
  t = Date.now();
  const backend = await startBenchBackend(dir, {
    // As the production image runs it: no watch mode to restart it mid-measurement.
    how: 'node',
    port: await freePort(),
    upWithinMs: 240_000,
    database: {
      client: 'better-sqlite3',
      connection: { directory: join(dir, 'sqlite') },
    },
    catalog: { locations: [{ type: 'file', target: catalog }] },
    maas: {
      prometheus: { url: promUrl, timeoutMs: 30000, cacheTtlSeconds: 30 },
    },
  });
  stopBackend = backend.stop;
  const { baseUrl } = backend;
  const { headers } = await guestSignIn(baseUrl);
  await waitUntil(
    'the catalog to hold every user',
    async () => {
      const res = await fetch(
        `${baseUrl}/api/catalog/entities/by-query?filter=kind=user&filter=kind=component&limit=1`,
        { headers },
      );
      return ((await res.json()).totalItems ?? 0) >= USERS + MODELS;
    },
    600_000,
  );
  console.log(`backend up and catalog filled in ${seconds(t)}`);

  const iso = (s: number) =>
    new Date(s * 1000).toISOString().replace('.000', '');
  const url = (shift: number) =>
    `${baseUrl}/api/maas/costs?start=${iso(
      end - DAYS * 86400 - shift,
    )}&end=${iso(end - shift)}`;
  const check = await (await fetch(url(0), { headers })).json();
  if (check.users?.length !== USERS)
    throw new Error(
      `expected ${USERS} user rows, got ${JSON.stringify(check).slice(0, 300)}`,
    );
  console.log(
    `a report: ${check.users.length} users, ${check.groups.length} groups, ${check.systems.length} systems, ` +
      `${check.models.length} models; total ${check.total.calls.toLocaleString(
        'en-US',
      )} calls, ` +
      `${check.total.cost} ${check.currency}`,
  );
  // Warm-up: the backend's code paths, Prometheus' page cache.
  await timed(
    [1, 2, 3].map(i => url(i * 15)),
    headers,
  );
  const fresh = await timed(
    Array.from({ length: REQUESTS }, (_, i) => url((i + 4) * 15)),
    headers,
  );
  // Warm: the Costs page of a range that ends now (its end asked in the future), reloaded every
  // RELOAD_SECONDS for longer than the fresh time, so that loads also come while the backend
  // computes newer figures in the background. The first load computes; the next are timed.
  const open = `${baseUrl}/api/maas/costs?start=${iso(
    end - DAYS * 86400,
  )}&end=${iso(end + 2 * 86400)}`;
  t = Date.now();
  await timed([open], headers);
  const firstOpenMs = Date.now() - t;
  const reloads: number[] = [];
  let oldest = 0;
  for (let i = 0; i < RELOADS; i++) {
    await new Promise(r => setTimeout(r, RELOAD_SECONDS * 1000));
    const { ms, body } = await timedGet(open, headers);
    reloads.push(ms);
    const age = Date.now() / 1000 - JSON.parse(body.toString()).end;
    oldest = Math.max(oldest, age);
  }
  const cached = summary(reloads);
  const promOnly = await timed(
    Array.from(
      { length: 5 },
      (_, i) =>
        `${promUrl}/api/v1/query?query=${encodeURIComponent(
          `sum by (user, group, limitador_namespace) ${countedInWindow(
            'authorized_calls',
            '{user!=""}',
            DAYS * 86400,
          )}`,
        )}&time=${end - (i + 100) * 15}`,
    ),
    {},
  );
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  console.log(
    `\nGET /api/maas/costs, ${USERS} users x ${MODELS} models x ${DAYS} days:`,
  );
  console.log(
    `  cold, ${REQUESTS} ranges nobody opened yet (Prometheus computes each): p50 ${ms(
      fresh.p50,
    )}, p95 ${ms(fresh.p95)} (${(fresh.bytes / 1024).toFixed(0)} KiB)`,
  );
  console.log(
    `  warm, a range ending now reloaded every ${RELOAD_SECONDS} s for ${(
      (RELOADS * RELOAD_SECONDS) /
      60
    ).toFixed(1)} min (${RELOADS} loads; the first load took ${ms(
      firstOpenMs,
    )}): p50 ${ms(cached.p50)}, p95 ${ms(
      cached.p95,
    )}; the oldest figures shown ended ${oldest.toFixed(0)} s before the load`,
  );
  console.log(
    `  load average while timing: ${loadavg()
      .map(l => l.toFixed(1))
      .join(' ')}`,
  );
  console.log(
    `  (Prometheus alone, the calls count of the report's query: p50 ${ms(
      promOnly.p50,
    )}, p95 ${ms(promOnly.p95)})`,
  );
}

process.on('SIGINT', () => {
  stopAll();
  process.exit(130);
});
main()
  .then(() => {
    stopAll();
    rmSync(dir, { recursive: true, force: true });
  })
  .catch(error => {
    stopAll();
    console.error(`bench failed: ${error.message}; files kept in ${dir}`);
    process.exitCode = 1;
  });
