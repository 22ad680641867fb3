/*
 * maas-limitador-server (rust/limitador-server) over its HTTP API, as the portal and the harness use it:
 * limits from a file in limitador-operator's format, per-user counters, /counters, /metrics series that
 * appear only at their first increment, and a limits file that changes (or breaks) while it runs.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePorts } from '../ports.ts';
import { buildServers } from '../servers.ts';
import { eventually } from '../testing/eventually.ts';
import { waitFor } from '../waitFor.ts';

// A cold build of the Rust server takes minutes on 2 cores; a warm run of build-servers.sh a second.
jest.setTimeout(30_000);
const BUILD_TIMEOUT_MS = 30 * 60_000;

const ROUTE = 'llm/simulator-route';
const OTHER_ROUTE = 'llm/other-route';
const FREE_KEY = 'limit.free_user_requests__3d2e4f1a';
const USER_VAR = 'descriptors[0]["auth.identity.userid"]';

interface Limits {
  freeMax: number;
}

/** The YAML limitador-operator renders from Limitador.spec.limits (a per-user limit and a named one). */
function limitsYaml({ freeMax }: Limits): string {
  return `- conditions:
  - descriptors[0]["${FREE_KEY}"] == "1"
  max_value: ${freeMax}
  namespace: ${ROUTE}
  seconds: 120
  variables:
  - ${USER_VAR}
- conditions:
  - descriptors[0]["limit.tiny__0a1b2c3d"] == "1"
  max_value: 1
  name: tiny-requests
  namespace: ${OTHER_ROUTE}
  seconds: 60
  variables: []
`;
}

/** As the harness writes it: a temp file renamed over the old one. */
function writeAtomically(file: string, content: string): void {
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}

interface Server {
  url: string;
  child: ChildProcess;
  stderr: () => string;
}

async function startServer(
  binary: string,
  limitsFile: string,
  extraArgs: string[] = [],
): Promise<Server> {
  const [httpPort, grpcPort] = await freePorts(2);
  const child = spawn(
    binary,
    [
      '--limits-file',
      limitsFile,
      '--http-address',
      `127.0.0.1:${httpPort}`,
      '--grpc-address',
      `127.0.0.1:${grpcPort}`,
      ...extraArgs,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', chunk => {
    stderr += chunk;
  });
  const url = `http://127.0.0.1:${httpPort}`;
  await waitFor(
    'maas-limitador-server /status',
    async () => (await fetch(`${url}/status`)).ok,
    {
      timeoutMs: 10_000,
      alive: () =>
        child.exitCode === null
          ? undefined
          : `exited with code ${child.exitCode}: ${stderr}`,
    },
  );
  return { url, child, stderr: () => stderr };
}

function stop(server: Server | undefined): void {
  if (server?.child.pid && server.child.exitCode === null) {
    process.kill(server.child.pid, 'SIGTERM');
  }
}

async function checkAndReport(
  url: string,
  namespace: string,
  values: Record<string, string>,
): Promise<number> {
  const res = await fetch(`${url}/check_and_report`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ namespace, values, delta: 1 }),
  });
  await res.text();
  return res.status;
}

const freeUser = (user: string) => ({
  [FREE_KEY]: '1',
  'auth.identity.userid': user,
});

async function metrics(url: string): Promise<string> {
  const res = await fetch(`${url}/metrics`);
  expect(res.status).toBe(200);
  return res.text();
}

/** Every sample line of one metric name, e.g. `authorized_calls{limitador_namespace="x"} 5`. */
function samples(text: string, name: string): string[] {
  return text
    .split('\n')
    .filter(line => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
}

interface CounterView {
  limit: {
    namespace: string;
    max_value: number;
    seconds: number;
    name: string | null;
    conditions: string[];
    variables: string[];
  };
  set_variables: Record<string, string>;
  remaining: number;
  expires_in_seconds: number;
}

async function counters(
  url: string,
  namespace: string,
): Promise<CounterView[]> {
  const res = await fetch(`${url}/counters/${encodeURIComponent(namespace)}`);
  expect(res.status).toBe(200);
  return res.json();
}

function counterOf(list: CounterView[], user: string): CounterView {
  const found = list.find(c => c.set_variables[USER_VAR] === user);
  if (!found)
    throw new Error(`no counter for ${user} in ${JSON.stringify(list)}`);
  return found;
}

describe('maas-limitador-server', () => {
  let binary: string;
  let dir: string;
  const started: Server[] = [];

  beforeAll(async () => {
    binary = (await buildServers())['maas-limitador-server'];
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maas-limitador-test-'));
  }, BUILD_TIMEOUT_MS);

  afterAll(() => {
    started.forEach(stop);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function start(
    name: string,
    limits: Limits,
    extraArgs: string[] = [],
  ): Promise<{ server: Server; file: string }> {
    const file = path.join(dir, `${name}.yaml`);
    writeAtomically(file, limitsYaml(limits));
    const server = await startServer(binary, file, extraArgs);
    started.push(server);
    return { server, file };
  }

  it('enforces per-user limits from the operator-rendered file and counts them in /metrics', async () => {
    const { server, file } = await start('per-user', { freeMax: 5 });
    const { url } = server;
    expect(server.stderr()).toContain(`loaded 2 limits from ${file}`);

    // No series before the first call: a Limitador counter appears at its first increment.
    const before = await metrics(url);
    expect(before).toContain('limitador_up 1');
    expect(before).toContain('datastore_partitioned 0');
    expect(samples(before, 'authorized_calls')).toEqual([]);
    expect(samples(before, 'limited_calls')).toEqual([]);
    expect(samples(before, 'authorized_hits')).toEqual([]);

    const alice: number[] = [];
    for (let i = 0; i < 6; i++)
      alice.push(await checkAndReport(url, ROUTE, freeUser('alice')));
    expect(alice).toEqual([200, 200, 200, 200, 200, 429]);
    // Another user has a counter of their own.
    expect(await checkAndReport(url, ROUTE, freeUser('bob'))).toBe(200);
    // A request the condition does not match is not limited (and still counted as authorized).
    expect(
      await checkAndReport(url, ROUTE, { 'auth.identity.userid': 'alice' }),
    ).toBe(200);

    const list = await counters(url, ROUTE);
    expect(list).toHaveLength(2);
    const aliceCounter = counterOf(list, 'alice');
    expect(aliceCounter.remaining).toBe(0);
    expect(aliceCounter.expires_in_seconds).toBeGreaterThan(100);
    expect(aliceCounter.expires_in_seconds).toBeLessThanOrEqual(120);
    expect(aliceCounter.limit).toEqual({
      id: null,
      namespace: ROUTE,
      max_value: 5,
      seconds: 120,
      name: null,
      conditions: [`descriptors[0]["${FREE_KEY}"] == "1"`],
      variables: [USER_VAR],
    });
    expect(counterOf(list, 'bob').remaining).toBe(4);

    const limitsRes = await fetch(
      `${url}/limits/${encodeURIComponent(OTHER_ROUTE)}`,
    );
    expect(limitsRes.status).toBe(200);
    expect((await limitsRes.json()).map((l: any) => l.name)).toEqual([
      'tiny-requests',
    ]);

    // The named limit: over it once; without --limit-name-in-labels no limit_name label.
    const tiny = { 'limit.tiny__0a1b2c3d': '1' };
    expect(await checkAndReport(url, OTHER_ROUTE, tiny)).toBe(200);
    expect(await checkAndReport(url, OTHER_ROUTE, tiny)).toBe(429);

    const after = await metrics(url);
    expect(samples(after, 'authorized_calls').sort()).toEqual([
      `authorized_calls{limitador_namespace="${OTHER_ROUTE}"} 1`,
      `authorized_calls{limitador_namespace="${ROUTE}"} 7`,
    ]);
    expect(samples(after, 'authorized_hits').sort()).toEqual([
      `authorized_hits{limitador_namespace="${OTHER_ROUTE}"} 1`,
      `authorized_hits{limitador_namespace="${ROUTE}"} 7`,
    ]);
    expect(samples(after, 'limited_calls').sort()).toEqual([
      `limited_calls{limitador_namespace="${OTHER_ROUTE}"} 1`,
      `limited_calls{limitador_namespace="${ROUTE}"} 1`,
    ]);
    expect(after).toContain('# TYPE authorized_calls counter');
  });

  it('adds limit_name to limited_calls with --limit-name-in-labels', async () => {
    const { server } = await start('named', { freeMax: 5 }, [
      '--limit-name-in-labels',
    ]);
    const tiny = { 'limit.tiny__0a1b2c3d': '1' };
    expect(await checkAndReport(server.url, OTHER_ROUTE, tiny)).toBe(200);
    expect(await checkAndReport(server.url, OTHER_ROUTE, tiny)).toBe(429);
    expect(samples(await metrics(server.url), 'limited_calls')).toEqual([
      `limited_calls{limitador_namespace="${OTHER_ROUTE}",limit_name="tiny-requests"} 1`,
    ]);
  });

  it('picks up a rewritten limits file within 2 s, keeps the counters of unchanged limits, and keeps the old limits when the file breaks', async () => {
    const { server, file } = await start('reload', { freeMax: 5 });
    const { url } = server;
    for (let i = 0; i < 3; i++)
      expect(await checkAndReport(url, ROUTE, freeUser('carol'))).toBe(200);
    expect(counterOf(await counters(url, ROUTE), 'carol').remaining).toBe(2);

    // A new max for the same limit (same namespace, window, condition, variable): the 3 hits stay.
    writeAtomically(file, limitsYaml({ freeMax: 4 }));
    const reloadStarted = Date.now();
    await eventually(async () => {
      const carol = counterOf(await counters(url, ROUTE), 'carol');
      expect(carol.limit.max_value).toBe(4);
      expect(carol.remaining).toBe(1);
    }, 2_000);
    expect(Date.now() - reloadStarted).toBeLessThan(2_000);
    expect(await checkAndReport(url, ROUTE, freeUser('carol'))).toBe(200);
    expect(await checkAndReport(url, ROUTE, freeUser('carol'))).toBe(429);

    // A broken file: reported on stderr with the file's name, the max of 4 stays in force.
    writeAtomically(
      file,
      `- namespace: ${ROUTE}\n  max_value: 100\n  seconds: 120\n  conditions: ['descriptors[0][ ==']\n  variables: []\n`,
    );
    await eventually(
      () => expect(server.stderr()).toContain(`invalid limits file ${file}`),
      2_000,
    );
    expect(server.stderr()).toContain('keeping the 2 limits loaded before');
    expect(await checkAndReport(url, ROUTE, freeUser('dave'))).toBe(200);
    const dave = counterOf(await counters(url, ROUTE), 'dave');
    expect(dave.limit.max_value).toBe(4);
    expect(dave.remaining).toBe(3);
  });

  it('refuses to start on a limits file it cannot read, naming the file', async () => {
    const missing = path.join(dir, 'missing.yaml');
    const child = spawn(
      binary,
      [
        '--limits-file',
        missing,
        '--http-address',
        '127.0.0.1:0',
        '--grpc-address',
        '127.0.0.1:0',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', chunk => {
      stderr += chunk;
    });
    const code = await new Promise(resolve => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain(`cannot read ${missing}`);
  });
});
