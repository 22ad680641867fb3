/*
 * The harness's control endpoint, for fault drills: a test stops, kills, starts or restarts one
 * server of the harness it runs in (never another harness's), by HTTP on 127.0.0.1 at
 * MAAS_HARNESS_CONTROL_URL:
 *
 *   POST /servers/<name>/stop[?how=kill]   stop cleanly (its stop signal), or SIGKILL (a crash)
 *   POST /servers/<name>/start             start it again with the same arguments and port; answers once it is ready
 *   POST /servers/<name>/restart[?how=kill]
 *
 * <name> is one of RESTARTABLE. Tests call it through `@maas-portal/harness/testing`
 * (stopServer, startServer, restartServer); such tests disturb every other test of the same
 * harness, so they are `*.exclusive.*` files.
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import type { Harness } from './harness.ts';
import { freePort } from './ports.ts';
import type { ManagedProcess } from './processes.ts';
import { waitFor } from './waitFor.ts';

export const RESTARTABLE = [
  'kube-apiserver',
  'prometheus',
  'postgres',
] as const;
export type RestartableServer = (typeof RESTARTABLE)[number];

export interface ControlServer {
  url: string;
  close(): Promise<void>;
}

const POSTGRES_READY = /database system is ready to accept connections/g;

function portOpen(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/**
 * A restarted kube-apiserver says /readyz before the storage of each custom resource is
 * initialized again: until then a request for those objects gets 429 "storage is
 * (re)initializing". Ready, for the tests after a drill, means every established CRD's objects
 * can be listed.
 */
async function apiserverServes(harness: Harness): Promise<boolean> {
  const client = harness.kube!.adminClient;
  if ((await client.request('GET', '/readyz')).status !== 200) return false;
  const crds = await client.request(
    'GET',
    '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
  );
  if (crds.status !== 200) return false;
  for (const crd of crds.body.items as Array<{ spec: any }>) {
    const { group, names, versions } = crd.spec;
    const version = versions.find((v: { storage: boolean }) => v.storage).name;
    const list = await client.request(
      'GET',
      `/apis/${group}/${version}/${names.plural}?limit=1`,
    );
    if (list.status !== 200) return false;
  }
  return true;
}

/** Whether a (re)started server answers as at the harness's start. */
function readiness(
  harness: Harness,
  name: RestartableServer,
): () => Promise<boolean> {
  if (name === 'kube-apiserver') return () => apiserverServes(harness);
  if (name === 'prometheus')
    return async () => (await fetch(`${harness.prometheus!.url}/-/ready`)).ok;
  // Its log is appended to: ready once it says so once more than before the start.
  const log = path.join(harness.dir, 'postgres.log');
  const count = () =>
    (fs.readFileSync(log, 'utf8').match(POSTGRES_READY) ?? []).length;
  const before = count();
  return async () =>
    count() > before && (await portOpen(harness.postgres!.port));
}

async function stop(process: ManagedProcess, kill: boolean): Promise<void> {
  if (!kill) return process.stop();
  process.stopping = true;
  process.signal('SIGKILL');
  await process.exited;
  return undefined;
}

async function act(
  harness: Harness,
  name: RestartableServer,
  action: string,
  kill: boolean,
): Promise<object> {
  let index = -1;
  harness.processes.forEach((p, i) => {
    if (p.name === name) index = i;
  });
  if (index < 0) throw new Error(`${name} is not running in this harness`);
  const current = harness.processes[index];
  if (action === 'stop' || action === 'restart') {
    if (current.exit) throw new Error(`${name} is stopped already`);
    await stop(current, kill);
    harness.log(`control: ${name} ${kill ? 'killed' : 'stopped'}`);
  }
  if (action === 'start' || action === 'restart') {
    if (action === 'start' && !current.exit)
      throw new Error(`${name} is running already`);
    const started = Date.now();
    const ready = readiness(harness, name);
    const next = current.respawn();
    harness.processes[index] = next;
    await waitFor(`${name} to be ready again`, ready, {
      timeoutMs: 90_000,
      intervalMs: 200,
      alive: () => next.deadMessage(),
    });
    harness.log(`control: ${name} started again (pid ${next.pid})`);
    return { server: name, pid: next.pid, readyInMs: Date.now() - started };
  }
  return { server: name, stopped: true };
}

/** Serves the control endpoint of `harness` on a free port of 127.0.0.1. */
export async function startControlServer(
  harness: Harness,
): Promise<ControlServer> {
  let queue: Promise<unknown> = Promise.resolve();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const match = url.pathname.match(
      /^\/servers\/([a-z-]+)\/(stop|start|restart)$/,
    );
    const reply = (status: number, body: object) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || !match)
      return reply(404, {
        error: {
          message: `POST /servers/<${RESTARTABLE.join(
            '|',
          )}>/<stop|start|restart>`,
        },
      });
    const [, name, action] = match;
    if (!RESTARTABLE.includes(name as RestartableServer))
      return reply(404, {
        error: {
          message: `${name} cannot be controlled; one of ${RESTARTABLE.join(
            ', ',
          )}`,
        },
      });
    const kill = url.searchParams.get('how') === 'kill';
    // One drill step at a time.
    const step = queue.then(() =>
      act(harness, name as RestartableServer, action, kill),
    );
    queue = step.catch(() => undefined);
    step.then(
      body => reply(200, body),
      error => reply(409, { error: { message: (error as Error).message } }),
    );
    return undefined;
  });
  const port = await freePort();
  await new Promise<void>(resolve => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise(resolve => {
        server.close(() => resolve());
        // Tests' fetch keeps connections alive; they must not hold the harness's stop.
        server.closeAllConnections();
      }),
  };
}
