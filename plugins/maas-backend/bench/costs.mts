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
import {
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  guestSignIn,
  root,
  startBenchBackend,
  waitUntil,
} from './benchBackend.mts';
import { summary, timedGet } from './latencies.mts';
import { backfillRulePass, importOpenMetrics } from './backfillCostRules.mts';
import {
  firstReport,
  monthBefore,
  monthStart,
  reportFigures,
  timeKeptMonth,
} from './keptMonth.mts';
import { countedInWindow } from '../src/prometheus/promql.ts';

const USERS = Number(process.env.BENCH_USERS ?? 1000);
const MODELS = Number(process.env.BENCH_MODELS ?? 20);
const DAYS = Number(process.env.BENCH_DAYS ?? 30);
const STEP = Number(process.env.BENCH_STEP_SECONDS ?? 3600);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20);
const RELOADS = Number(process.env.BENCH_RELOADS ?? 40);
const RELOAD_SECONDS = Number(process.env.BENCH_RELOAD_SECONDS ?? 5);
/** First loads of last month, kept in the database, each on a backend just started. */
const KEPT_LOADS = Number(process.env.BENCH_KEPT_LOADS ?? 10);
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
  // The ranges' DAYS, and all of last month (whose first load from the database is timed too).
  const start = Math.min(end - DAYS * 86400, monthStart(monthBefore(end)));
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
    importOpenMetrics(lines, file, dataDir);
  }
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
  return child;
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
  const end = Number(
    process.env.BENCH_END ?? Math.floor(Date.now() / 1000 / STEP) * STEP,
  );
  let t = Date.now();
  // BENCH_DATA_DIR: the Prometheus data of an earlier run (its files are kept when it fails, or with
  // BENCH_KEEP=1), which ended at BENCH_END: no backfill again. With BENCH_RULES_LOADED=1, data that
  // holds the rules' records too: only the cold loads from the rules are timed.
  const data = process.env.BENCH_DATA_DIR ?? join(dir, 'prometheus');
  if (process.env.BENCH_DATA_DIR) {
    console.log(`the data of an earlier run: ${data}`);
  } else {
    const samples = backfill(data, end);
    console.log(
      `backfilled ${USERS * MODELS * 2} series, ${samples.toLocaleString(
        'en-US',
      )} samples (a sample every ${STEP} s) in ${seconds(t)}`,
    );
  }

  t = Date.now();
  const promPort = await freePort();
  const promUrl = `http://127.0.0.1:${promPort}`;
  const rulesFile = join(dir, 'rules', 'prometheus-rules.rules.yaml');
  let prometheus: ChildProcess | undefined;
  /** (Re)starts Prometheus on the data, with the Costs rules file in its rule_files or not. */
  const startPrometheus = async (withRules: boolean) => {
    if (prometheus) {
      const exited = new Promise(r => prometheus!.once('exit', r));
      process.kill(-prometheus.pid!, 'SIGTERM');
      await exited;
    }
    writeFileSync(
      join(dir, 'prometheus.yml'),
      `${
        withRules ? `rule_files: ['${rulesFile}']\n` : ''
      }scrape_configs: []\n`,
    );
    prometheus = start('prometheus', '/usr/bin/prometheus', [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${data}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
      '--storage.tsdb.retention.time=400d',
      // A sample an hour: an instant value looks back an hour (5 minutes, with a real scrape
      // interval), so that every count finds a series' value at its window's start.
      `--query.lookback-delta=${Math.max(300, STEP)}s`,
      '--log.level=warn',
    ]);
    await waitUntil(
      'Prometheus ready',
      async () => (await fetch(`${promUrl}/-/ready`)).ok,
      300_000,
    );
  };
  await startPrometheus(false);
  console.log(`Prometheus ready in ${seconds(t)}`);
  // A Prometheus that has held 30 days has compacted them; wait until its compaction is done.
  const compacted = async () => {
    t = Date.now();
    const initial = await blocksLoaded(promUrl);
    let blocks = initial;
    // Prometheus compacts a minute after start, then every minute; done when the count has stayed
    // through two compaction cycles (a long merge within one cycle keeps the count for a while).
    let stable = 0;
    for (let waited = 30; waited <= 1800; waited += 30) {
      await new Promise(r => setTimeout(r, 30_000));
      const now = await blocksLoaded(promUrl);
      stable = now === blocks ? stable + 30 : 0;
      blocks = now;
      if (stable >= 150 && waited > 90) break;
    }
    console.log(`compacted ${initial} blocks into ${blocks} in ${seconds(t)}`);
  };
  await compacted();

  const catalog = join(dir, 'catalog.yaml');
  writeFileSync(catalog, catalogYaml());
  t = Date.now();
  const startBackend = async () =>
    startBenchBackend(dir, {
      // As the production image runs it: no watch mode to restart it mid-measurement.
      how: 'node',
      port: await freePort(),
      upWithinMs: 240_000,
      database: {
        client: 'better-sqlite3',
        connection: { directory: join(dir, 'sqlite') },
      },
      // Users and Groups only from locations that allow them (app-config.yaml's catalog.rules).
      catalog: {
        locations: [
          {
            type: 'file',
            target: catalog,
            rules: [{ allow: ['Group', 'User', 'System', 'Component'] }],
          },
        ],
      },
      maas: {
        prometheus: { url: promUrl, timeoutMs: 120000, cacheTtlSeconds: 30 },
      },
    });
  const backend = await startBackend();
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
  const lastMonth = monthBefore(end);
  /**
   * Last month: its first report on this backend (computed, or prepared by the backend's task, and kept
   * in the database), then its first load on KEPT_LOADS backends just started. Stops this backend.
   */
  const timeKept = async () => {
    t = Date.now();
    const kept = await firstReport(baseUrl, headers, lastMonth);
    const firstMs = Date.now() - t;
    const thisMonth = new Date(end * 1000).toISOString().slice(0, 7);
    const thisKept = await firstReport(baseUrl, headers, thisMonth);
    backend.stop();
    const loads = await timeKeptMonth({
      month: lastMonth,
      loads: KEPT_LOADS,
      kept,
      thisMonth: { month: thisMonth, kept: thisKept },
      start: async () => {
        const started = await startBackend();
        stopBackend = started.stop;
        return started;
      },
    });
    const upTo = new Date(thisKept.end * 1000).toISOString().slice(11, 16);
    return {
      firstMs,
      loads,
      line:
        `  last month (${lastMonth}, ${kept.total.calls.toLocaleString(
          'en-US',
        )} calls; its first report on the running backend took ${(
          firstMs / 1000
        ).toFixed(1)} s, source ${kept.source?.kind}): ` +
        `the first load on each of ${KEPT_LOADS} backends just started, from the database: p50 ${loads.p50.toFixed(
          0,
        )} ms, p95 ${loads.p95.toFixed(0)} ms, the same figures each time\n` +
        `  this month (${thisMonth}): the first load on each of them, the latest figures another backend kept (up to ${upTo} UTC): ` +
        `p50 ${loads.thisMonth.p50.toFixed(
          0,
        )} ms, p95 ${loads.thisMonth.p95.toFixed(0)} ms\n` +
        `  (the latest answer came ${(loads.latestAfterStartMs / 1000).toFixed(
          1,
        )} s after its backend was up; the task prepares both months at 30 s)`,
    };
  };
  if (process.env.BENCH_ONLY_KEPT) {
    const { line } = await timeKept();
    console.log(
      `\nGET /api/maas/costs, ${USERS} users x ${MODELS} models:\n${line}`,
    );
    return;
  }
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
  /** The cold loads from the rules: 3 to warm up, then REQUESTS ranges nobody opened, timed. */
  const timeRuleLoads = async () => {
    await timed(
      [1, 2, 3].map(i => url((i + 100) * 15)),
      headers,
    );
    return timed(
      Array.from({ length: REQUESTS }, (_, i) => url((i + 104) * 15)),
      headers,
    );
  };
  if (process.env.BENCH_RULES_LOADED) {
    // BENCH_DATA_DIR of a BENCH_KEEP run that backfilled the rules: their cold loads alone. The report
    // above came from the rules too, so rules = raw is not checked here (a full run checks it).
    const fromRules = await timeRuleLoads();
    const { source } = await (await fetch(url(104 * 15), { headers })).json();
    console.log(
      `\nGET /api/maas/costs, ${USERS} users x ${MODELS} models x ${DAYS} days, cold with the recording rules (${
        source?.kind
      }: ${source?.detail}), ${REQUESTS} ranges: p50 ${fromRules.p50.toFixed(
        0,
      )} ms, p95 ${fromRules.p95.toFixed(0)} ms; load average ${loadavg()
        .map(l => l.toFixed(1))
        .join(' ')}`,
    );
    return;
  }
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

  // The recording rules: backfilled in passes (a pass reads what the ones before recorded, so
  // Prometheus restarts on each pass's blocks), then loaded in Prometheus' rule_files.
  t = Date.now();
  const generated = spawnSync(
    join(root, 'node_modules/.bin/sucrase-node'),
    [join(root, 'plugins/maas-backend/bench/writeCostRulePasses.ts')],
    { cwd: root, encoding: 'utf8' },
  );
  if (generated.status !== 0)
    throw new Error(`writing the rules: ${generated.stderr}`);
  const rules: { whole: string; passes: string[] } = JSON.parse(
    generated.stdout,
  );
  mkdirSync(dirname(rulesFile), { recursive: true });
  let recorded = 0;
  for (const [i, pass] of rules.passes.entries()) {
    recorded += await backfillRulePass(
      promUrl,
      pass,
      Math.floor((end - DAYS * 86400) / 7200) * 7200,
      end,
      data,
      dir,
    );
    await startPrometheus(false);
    console.log(
      `rules pass ${i + 1} of ${
        rules.passes.length
      } backfilled and loaded (${recorded.toLocaleString(
        'en-US',
      )} records, ${seconds(t)} so far)`,
    );
  }
  writeFileSync(rulesFile, rules.whole);
  await startPrometheus(true);
  await compacted();
  const fromRules = await timeRuleLoads();
  const lastSource = (await (await fetch(url(104 * 15), { headers })).json())
    .source;
  // The range of the first report again, now from the rules: the same figures, to the call. Asked
  // after the timed ranges, so that over 16 ranges were asked since (CostUsageCache keeps 16, least
  // recently used evicted): else the backend answers with the raw figures it kept for it.
  const again = await (await fetch(url(0), { headers })).json();
  const exact =
    again.source?.kind === 'recording-rules' &&
    again.total.calls === check.total.calls &&
    again.total.tokens === check.total.tokens &&
    reportFigures(again) === reportFigures(check);
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
    `  cold with the recording rules (${lastSource?.kind}: ${
      lastSource?.detail
    }), ${REQUESTS} more ranges: p50 ${ms(fromRules.p50)}, p95 ${ms(
      fromRules.p95,
    )}`,
  );
  console.log(
    `  the first range again, from the rules: ${
      exact ? 'the same figures, to the call' : 'DIFFERENT figures'
    } (${again.total.calls.toLocaleString('en-US')} calls, source ${
      again.source?.kind
    }; raw ${check.total.calls.toLocaleString('en-US')} calls)`,
  );
  if (!exact) process.exitCode = 1;
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
  console.log((await timeKept()).line);
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
    // BENCH_KEEP=1: the data (raw and recorded) kept, to query it again by hand.
    if (process.env.BENCH_KEEP) console.log(`files kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  })
  .catch(error => {
    stopAll();
    console.error(`bench failed: ${error.message}; files kept in ${dir}`);
    process.exitCode = 1;
  });
