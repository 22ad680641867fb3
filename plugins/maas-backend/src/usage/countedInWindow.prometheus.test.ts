/*
 * countedInWindow, the portal's count of a counter in a window, on LIVE scraped data that behaves as
 * Limitador's: a Prometheus 2.42 of the test's own (the binary the harness runs) scrapes every second a tiny
 * exporter in this test that plays Limitador's exposition: a counter appears only at its first increment,
 * so its first scraped value is already calls. (The real Limitador behind the gateway is proven elsewhere.)
 * It shows why the portal does not use increase(): a user's first calls and a lone 429 are lost to it.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { HttpPrometheusClient } from '../prometheus/HttpPrometheusClient';
import { countedInWindow } from '../prometheus/promql';

jest.setTimeout(120_000);

const NS = 'llm/live-route';
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Counters as Limitador keeps them: a series exists from its first increment until a restart. */
class LimitadorExposition {
  readonly #counters = new Map<string, number>();
  scrapes = 0;

  add(metric: 'authorized_calls' | 'limited_calls', user: string, n = 1) {
    const key = `${metric}{limitador_namespace="${NS}",user="${user}"}`;
    this.#counters.set(key, (this.#counters.get(key) ?? 0) + n);
  }

  /** A restart forgets the user's counters (Limitador keeps them in memory). */
  forget(user: string) {
    for (const key of [...this.#counters.keys()])
      if (key.includes(`user="${user}"`)) this.#counters.delete(key);
  }

  text(): string {
    const lines = ['# TYPE limitador_up gauge', 'limitador_up 1'];
    for (const metric of ['authorized_calls', 'limited_calls']) {
      lines.push(`# TYPE ${metric} counter`);
      for (const [key, value] of this.#counters)
        if (key.startsWith(`${metric}{`)) lines.push(`${key} ${value}`);
    }
    return `${lines.join('\n')}\n`;
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise(r => server.close(r));
  return port;
}

async function until(what: string, check: () => Promise<boolean> | boolean) {
  const deadline = Date.now() + 60_000;
  while (
    !(await Promise.resolve()
      .then(check)
      .catch(() => false))
  ) {
    if (Date.now() > deadline) throw new Error(`${what} within 60 s`);
    await sleep(200);
  }
}

describe('countedInWindow on Limitador-like series scraped live by Prometheus 2.42', () => {
  const exposition = new LimitadorExposition();
  let exporter: Server;
  let prometheus: ChildProcess;
  let dir: string;
  let client: HttpPrometheusClient;
  /** The window: from before any call of a, b and c, to after the last scrape of everything. */
  let start: number;
  let end: number;

  /** Resolves once Prometheus has scraped `n` more times (then every earlier scrape is stored). */
  const scrapes = async (n: number) => {
    const target = exposition.scrapes + n;
    await until(`${n} scrapes`, () => exposition.scrapes >= target);
  };

  beforeAll(async () => {
    exporter = createServer((_req, res) => {
      exposition.scrapes++;
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(exposition.text());
    });
    await new Promise<void>(r => exporter.listen(0, '127.0.0.1', r));
    const exporterPort = (exporter.address() as AddressInfo).port;

    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maas-counted-'));
    fs.writeFileSync(
      path.join(dir, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s }',
        'scrape_configs:',
        '  - job_name: limitador',
        `    static_configs: [{ targets: ['127.0.0.1:${exporterPort}'] }]`,
        '',
      ].join('\n'),
    );
    const port = await freePort();
    // The binary the harness runs (packages/harness/src/prometheus.ts): Debian's Prometheus 2.42.
    prometheus = spawn(
      process.env.MAAS_HARNESS_PROMETHEUS || '/usr/bin/prometheus',
      [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', fs.openSync(path.join(dir, 'log'), 'w')] },
    );
    const url = `http://127.0.0.1:${port}`;
    await until(
      'Prometheus ready',
      async () => (await fetch(`${url}/-/ready`)).ok,
    );
    client = new HttpPrometheusClient({ url, timeoutMs: 5000 });

    // d called twice before the window: its series exists at the window's start.
    exposition.add('authorized_calls', 'd', 2);
    await scrapes(3);
    // The window starts on a whole second, and the calls come after it by more than a scrape's
    // round trip: no sample of a, b or c is at or before the start.
    start = Math.ceil(Date.now() / 1000);
    await sleep(start * 1000 + 300 - Date.now());
    // Between two scrapes: a's only call, b's first three calls, c's only call, refused.
    exposition.add('authorized_calls', 'a');
    exposition.add('authorized_calls', 'b', 3);
    exposition.add('limited_calls', 'c');
    await scrapes(3);
    // After samples within the window (increase() counts from its first sample in the window).
    exposition.add('authorized_calls', 'b', 2);
    exposition.add('authorized_calls', 'd', 2);
    await scrapes(3);
    // Limitador restarts: d's counter is gone (a staleness marker ends the series), then d calls twice.
    exposition.forget('d');
    await scrapes(5);
    exposition.add('authorized_calls', 'd', 2);
    await scrapes(5);
    end = Math.floor(Date.now() / 1000);
  });

  afterAll(async () => {
    if (prometheus?.pid) {
      const exited = new Promise(r => prometheus.once('exit', r));
      process.kill(prometheus.pid, 'SIGTERM');
      await exited;
    }
    await new Promise(r => exporter?.close(r));
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const byUser = async (query: string, time = end) =>
    Object.fromEntries(
      (await client.query(query, time)).map(s => [s.metric.user, s.value]),
    );
  const counted = (metric: string, seconds = end - start) =>
    `sum by (user) ${countedInWindow(
      metric,
      `{limitador_namespace="${NS}"}`,
      seconds,
    )}`;

  it("counts exactly the calls made: a user's only call, five calls of which three came before the first scrape, a lone 429", async () => {
    const calls = await byUser(counted('authorized_calls'));
    expect(calls.a).toBe(1);
    expect(calls.b).toBe(5);
    expect(await byUser(counted('limited_calls'))).toEqual({ c: 1 });
  });

  it("is why the portal does not use increase(): it misses what came before a series' first sample, and extrapolates", async () => {
    const increase = (metric: string) =>
      byUser(
        `sum by (user) (increase(${metric}{limitador_namespace="${NS}"}[${
          end - start
        }s]))`,
      );
    const calls = await increase('authorized_calls');
    expect(calls.a).toBe(0);
    expect(calls.b).not.toBe(5);
    expect(calls.b).toBeLessThan(5);
    expect((await increase('limited_calls')).c).toBe(0);
  });

  it('gives chart points, each step the same count over the step, that add up to the total', async () => {
    const step = 1;
    const points = await client.queryRange(counted('authorized_calls', step), {
      start: start + step,
      end,
      step,
    });
    const sums = Object.fromEntries(
      points.map(s => [s.metric.user, s.points.reduce((n, [, v]) => n + v, 0)]),
    );
    expect(sums.a).toBe(1);
    expect(sums.b).toBe(5);
  });

  it('counts the calls on both sides of a Limitador restart within the window as increase() does: about 4, not the 2 since the restart', async () => {
    const { d } = await byUser(counted('authorized_calls'));
    // increase() extrapolates to the window's edges: the 4 calls, times at most window / sampled time.
    expect(d).toBeGreaterThanOrEqual(4);
    expect(d).toBeLessThan(5);
  });
});
