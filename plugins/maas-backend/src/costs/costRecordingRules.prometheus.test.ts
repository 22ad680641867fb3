/*
 * The Costs recording rules (deploy/prometheus-rules.rules.yaml) against the raw counters, in the Prometheus
 * the harness runs (Debian's 2.42): three days of Limitador-shaped counters, a sample every 30 s, are
 * backfilled with promtool; the rules are backfilled from them with `promtool tsdb create-blocks-from rules`
 * (as the bench and a platform team with history do), and a second Prometheus loads both, with the rules
 * file in its rule_files. The figures read from the rules (readCostCounts) must equal the raw query's over
 * the same range to the call, on ranges aligned to nothing, with series born mid-range, a counter that
 * restarted (Limitador keeps counters in memory) and one that was not scraped for 80 minutes.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { HttpPrometheusClient } from '../prometheus/HttpPrometheusClient';
import { costQuery, readCostCounts } from './costCounts';
import {
  COST_RULES_FILE,
  costRulesFileYaml,
  costRulesBackfillPasses,
  COST_RULE_LAG_SECONDS,
} from './costRecordingRules';

jest.setTimeout(600_000);

const PROMETHEUS = process.env.MAAS_HARNESS_PROMETHEUS || '/usr/bin/prometheus';
const PROMTOOL = process.env.MAAS_HARNESS_PROMTOOL || '/usr/bin/promtool';
const SHIPPED_RULES = path.resolve(__dirname, '../../../..', COST_RULES_FILE);
const STEP = 30;
const DAYS = 3;

/** A seeded generator: the same data every run. */
function random(seed: number) {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

interface Series {
  metric: string;
  labels: Record<string, string>;
  /** Unix seconds of each sample and its value. */
  samples: Array<[number, number]>;
}

/**
 * The dataset: per user and route, calls, tokens (hits) and refusals by limit name; `newcomer` calls from
 * the middle of the second day on; `restarted`'s counters start again from 0 in the second day's
 * afternoon; `unscraped` has no samples for 80 minutes on the first day; calls on a route without user
 * labels.
 */
function dataset(start: number, end: number, slot: number): Series[] {
  const next = random(42);
  const series: Series[] = [];
  const add = (
    labels: Record<string, string>,
    options: { from?: number; restartAt?: number; gap?: [number, number] },
  ) => {
    const calls: Series = { metric: 'authorized_calls', labels, samples: [] };
    const hits: Series = { metric: 'authorized_hits', labels, samples: [] };
    const limited: Series = {
      metric: 'limited_calls',
      labels: { ...labels, limit_name: `${labels.group ?? 'any'}-requests` },
      samples: [],
    };
    let c = 0;
    let h = 0;
    let l = 0;
    let born = false;
    for (let t = start; t <= end; t += STEP) {
      if (options.from !== undefined && t < options.from) continue;
      if (options.restartAt !== undefined && t === options.restartAt) {
        c = 0;
        h = 0;
        l = 0;
      }
      const n = Math.floor(next() * 4);
      c += n;
      h += n * (50 + Math.floor(next() * 200));
      if (next() < 0.1) l += 1;
      // A series appears at its first increment, as Limitador's do.
      if (!born && c === 0) continue;
      born = true;
      if (options.gap && t >= options.gap[0] && t < options.gap[1]) continue;
      calls.samples.push([t, c]);
      hits.samples.push([t, h]);
      if (l > 0) limited.samples.push([t, l]);
    }
    series.push(calls, hits, ...(labels.user ? [limited] : []));
  };
  const routes = ['llm/alpha-route', 'llm/beta-route'];
  for (const user of ['ana', 'bo', 'cy', 'dee'])
    for (const route of routes)
      add(
        {
          user,
          group: user === 'ana' ? 'premium' : 'free',
          limitador_namespace: route,
        },
        {},
      );
  const day = 86400;
  add(
    { user: 'newcomer', group: 'free', limitador_namespace: routes[0] },
    { from: start + day + 13 * 3600 + 17 * 60 + 30 },
  );
  add(
    { user: 'restarted', group: 'free', limitador_namespace: routes[1] },
    { restartAt: start + day + 15 * 3600 + 41 * 60 },
  );
  add(
    { user: 'unscraped', group: 'premium', limitador_namespace: routes[0] },
    { gap: [start + 7 * 3600 + 50 * 60, start + 9 * 3600 + 10 * 60] },
  );
  add({ limitador_namespace: 'llm/old-route' }, {});
  // Unscraped from 30 minutes before an hourly window's end to 20 minutes after it: a range ending 40
  // minutes after that window's end has its raw end edge start in the gap (edgeGapWindowEnd).
  const w = edgeGapWindowEnd(start, slot);
  add(
    { user: 'gap-at-edge', group: 'free', limitador_namespace: routes[1] },
    { gap: [w - 30 * 60, w + 20 * 60] },
  );
  return series;
}

/**
 * The end of an hourly window on the data's second day. Prometheus (and promtool, backfilling) evaluates a
 * rule group at a fixed offset in its interval, a hash of the group's name and file path: the file is in
 * this run's temporary directory, so the offset (`slot`, seconds after the hour) differs from run to run
 * and is found first (ruleSlot). A window ends COST_RULE_LAG_SECONDS before an evaluation.
 */
function edgeGapWindowEnd(dataStart: number, slot: number): number {
  const after = dataStart + 86400 + 3 * 3600;
  return Math.ceil((after - slot) / 3600) * 3600 + slot - COST_RULE_LAG_SECONDS;
}

function openMetrics(series: Series[]): string {
  const lines: string[] = [];
  for (const metric of [
    'authorized_calls',
    'authorized_hits',
    'limited_calls',
  ]) {
    lines.push(`# TYPE ${metric} unknown`);
    for (const s of series.filter(x => x.metric === metric)) {
      const labels = Object.entries(s.labels)
        .map(([k, v]) => `${k}="${v}"`)
        .join(',');
      for (const [t, v] of s.samples)
        lines.push(`${metric}{${labels}} ${v} ${t}`);
    }
  }
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise(r => server.close(r));
  return port;
}

async function until(what: string, check: () => Promise<boolean>) {
  const deadline = Date.now() + 120_000;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what} within 120 s`);
    await new Promise(r => setTimeout(r, 250));
  }
}

function run(command: string, args: string[]) {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(
      `${command} ${args.slice(0, 3).join(' ')}: ${result.stderr}`,
    );
}

describe('Costs from the recording rules, against the raw counters', () => {
  let dir: string;
  let prometheus: ChildProcess | undefined;
  let client: HttpPrometheusClient;
  let data: Series[];
  let dataStart: number;
  let dataEnd: number;
  /** Seconds after the hour at which the rules are evaluated (ruleSlot). */
  let slot: number;

  const rulesFile = () =>
    path.join(dir, 'rules', 'prometheus-rules.rules.yaml');

  const startPrometheus = async (withRules: boolean) => {
    const port = await freePort();
    const config = path.join(dir, `prometheus-${withRules}.yml`);
    fs.writeFileSync(
      config,
      `global: { evaluation_interval: 1m }\n${
        withRules ? `rule_files: ['${rulesFile()}']\n` : ''
      }scrape_configs: []\n`,
    );
    prometheus = spawn(
      PROMETHEUS,
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--storage.tsdb.retention.time=30d',
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', fs.openSync(path.join(dir, 'log'), 'a')] },
    );
    const url = `http://127.0.0.1:${port}`;
    await until(
      'Prometheus ready',
      async () => (await fetch(`${url}/-/ready`)).ok,
    );
    return url;
  };
  const stopPrometheus = async () => {
    const p = prometheus;
    prometheus = undefined;
    if (!p?.pid || p.exitCode !== null) return;
    const exited = new Promise(r => p.once('exit', r));
    process.kill(p.pid, 'SIGTERM');
    await exited;
  };

  /** promtool's backfill of the rules file from the Prometheus at `url`, from a 2-hour block's start. */
  const promtoolRules = (url: string, out: string) =>
    new Promise<void>((resolve, reject) => {
      const child = spawn(
        PROMTOOL,
        [
          'tsdb',
          'create-blocks-from',
          'rules',
          '--quiet',
          `--url=${url}`,
          // promtool stops at the first 2-hour block without an evaluation: start at a block's start.
          `--start=${Math.floor(dataStart / 7200) * 7200}`,
          `--end=${dataEnd}`,
          `--output-dir=${out}`,
          rulesFile(),
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr!.on('data', d => {
        stderr += d;
      });
      child.on('exit', code =>
        code === 0
          ? resolve()
          : reject(new Error(`promtool rules backfill: ${stderr}`)),
      );
    });

  /**
   * Seconds after the hour at which the rules group is evaluated, from its name and the rules file's path:
   * promtool backfills a one-rule group of that name at that path from a Prometheus of our own, which
   * keeps the start promtool asks `query_range` for (its first evaluation) and answers no data.
   */
  const ruleSlot = async (): Promise<number> => {
    fs.writeFileSync(
      rulesFile(),
      'groups:\n  - name: maas-costs\n    interval: 1h\n    rules:\n      - record: maas_slot_probe\n        expr: vector(1)\n',
    );
    if (!costRulesFileYaml().includes('- name: maas-costs\n    interval: 1h\n'))
      throw new Error('the rules group is no longer maas-costs, hourly');
    const starts: number[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', d => {
        body += d;
      });
      req.on('end', () => {
        const params = new URLSearchParams(
          `${req.url?.split('?')[1] ?? ''}&${body}`,
        );
        if (params.has('start')) starts.push(Number(params.get('start')));
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            status: 'success',
            data: { resultType: 'matrix', result: [] },
          }),
        );
      });
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      const start = Math.floor(Date.now() / 1000 / 86400 - 1) * 86400;
      await new Promise<void>((resolve, reject) => {
        const child = spawn(
          PROMTOOL,
          [
            'tsdb',
            'create-blocks-from',
            'rules',
            '--quiet',
            `--url=http://127.0.0.1:${port}`,
            `--start=${start}`,
            `--end=${start + 7200}`,
            `--output-dir=${path.join(dir, 'slot-probe')}`,
            rulesFile(),
          ],
          { stdio: 'ignore' },
        );
        child.on('exit', code =>
          code === 0 ? resolve() : reject(new Error(`promtool probe: ${code}`)),
        );
      });
    } finally {
      await new Promise(r => server.close(r));
    }
    if (starts.length === 0)
      throw new Error('promtool asked no query_range of the slot probe');
    return ((starts[0] % 3600) + 3600) % 3600;
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maas-cost-rules-'));
    fs.mkdirSync(path.join(dir, 'rules'));
    slot = await ruleSlot();
    // Three hours ago at the latest, as promtool backfills rules up to; whole steps.
    dataEnd = Math.floor((Date.now() / 1000 - 3 * 3600) / STEP) * STEP;
    dataStart = dataEnd - DAYS * 86400;
    data = dataset(dataStart, dataEnd, slot);
    const om = path.join(dir, 'data.om.txt');
    fs.writeFileSync(om, openMetrics(data));
    run(PROMTOOL, [
      'tsdb',
      'create-blocks-from',
      'openmetrics',
      '--quiet',
      om,
      path.join(dir, 'data'),
    ]);
    // The rules' history, computed by promtool from a Prometheus holding the raw data, in passes: the
    // hours, then (once Prometheus holds them) the irregular series, which read them, then the days. The rules file keeps one path
    // throughout, so promtool's evaluations fall at the times Prometheus' own would.
    if (fs.readFileSync(SHIPPED_RULES, 'utf8') !== costRulesFileYaml())
      throw new Error(
        `${COST_RULES_FILE} is not what costRecordingRules.ts generates`,
      );
    const passes = costRulesBackfillPasses();
    for (const [i, pass] of passes.entries()) {
      fs.writeFileSync(rulesFile(), pass);
      const url = await startPrometheus(false);
      const blocks = path.join(dir, `rule-blocks-${i}`);
      await promtoolRules(url, blocks);
      await stopPrometheus();
      for (const block of fs.readdirSync(blocks))
        if (block !== 'chunks_head')
          fs.renameSync(
            path.join(blocks, block),
            path.join(dir, 'data', block),
          );
    }
    fs.writeFileSync(rulesFile(), costRulesFileYaml());
    const url = await startPrometheus(true);
    client = new HttpPrometheusClient({ url, timeoutMs: 30000 });
  });

  afterAll(async () => {
    await stopPrometheus();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const byLabels = (
    samples: Array<{ metric: Record<string, string>; value: number }>,
  ) =>
    Object.fromEntries(
      samples
        .map(s => {
          const { piece: _p, ...m } = s.metric;
          return [JSON.stringify(Object.entries(m).sort()), s.value] as const;
        })
        .sort(([a], [b]) => a.localeCompare(b)),
    );

  /** The generator's own count: increments of the samples in (start, end], a series' first value whole. */
  const truth = (user: string, start: number, end: number) =>
    data
      .filter(s => s.metric === 'authorized_calls' && s.labels.user === user)
      .reduce((sum, s) => {
        let before: number | undefined;
        let n = 0;
        for (const [t, v] of s.samples) {
          if (t <= start) before = v;
          else if (t <= end) {
            n += v - (before ?? 0);
            before = v;
          }
        }
        return sum + n;
      }, 0);

  it.each([
    [
      'two and a half days, starting and ending mid-hour',
      2 * 3600 + 7 * 60 + 15,
      DAYS * 86400 - 3 * 3600 - 41 * 60,
    ],
    [
      'whole hours, the first day to the third',
      86400 - 3600 * 5,
      86400 * 2 + 3600 * 3,
    ],
    [
      'five hours on the second day',
      86400 + 10 * 3600 + 25 * 60,
      86400 + 15 * 3600 + 25 * 60,
    ],
  ])(
    '%s: the figures from the rules are the raw ones, to the call',
    async (_what, from, to) => {
      const range = { start: dataStart + from, end: dataStart + to };
      const rules = await readCostCounts(client, range);
      const raw = await client.query(
        costQuery(range.end - range.start),
        range.end,
      );
      expect(rules.source.kind).toBe('recording-rules');
      expect(byLabels(rules.samples)).toEqual(byLabels(raw));
      // And the raw figures are the calls made.
      const calls = (user: string) =>
        raw
          .filter(s => s.metric.part === 'calls' && s.metric.user === user)
          .reduce((n, s) => n + s.value, 0);
      for (const user of ['ana', 'dee', 'newcomer'])
        expect(calls(user)).toBe(truth(user, range.start, range.end));
      expect(calls('ana')).toBeGreaterThan(0);
    },
  );

  it('flags a series absent at the start of the raw end edge, seen the hour before, and reads its user raw: exact to the call', async () => {
    // The last recorded hour ends in gap-at-edge's gap: the end edge's count would take its whole value
    // back, which the raw count over the range (it was there at the start) does not.
    const w = edgeGapWindowEnd(dataStart, slot);
    const range = {
      start: dataStart + 2 * 3600 + 7 * 60 + 15,
      end: w + 40 * 60,
    };
    const rules = await readCostCounts(client, range);
    const raw = await client.query(
      costQuery(range.end - range.start),
      range.end,
    );
    expect(rules.source.kind).toBe('recording-rules');
    expect(rules.source.detail).toMatch(/the \d+ users? whose counters/);
    expect(byLabels(rules.samples)).toEqual(byLabels(raw));
    const calls = raw
      .filter(s => s.metric.part === 'calls' && s.metric.user === 'gap-at-edge')
      .reduce((n, s) => n + s.value, 0);
    expect(calls).toBe(truth('gap-at-edge', range.start, range.end));
  });

  it('says which windows were recorded and which users were read raw', async () => {
    const range = { start: dataStart + 3600, end: dataEnd - 3600 };
    const { source } = await readCostCounts(client, range);
    expect(source.kind).toBe('recording-rules');
    expect(source.detail).toMatch(
      /^From the recording rules \(deploy\/prometheus-rules\.yaml\): \d+ days? and \d+ hours? recorded/,
    );
    // restarted (its counter went down), unscraped (80 minutes without a sample) and gap-at-edge (50
    // minutes) are read raw.
    expect(source.detail).toContain('the 3 users whose counters restarted');
  });

  it('reads the raw counters, and says so, where the rules hold no whole hour', async () => {
    const range = { start: dataStart + 86400, end: dataStart + 86400 + 1800 };
    const counts = await readCostCounts(client, range);
    expect(counts.source.kind).toBe('raw');
    expect(counts.source.detail).toMatch(/^From Limitador's raw counters/);
    expect(byLabels(counts.samples)).toEqual(
      byLabels(await client.query(costQuery(1800), range.end)),
    );
  });
});
