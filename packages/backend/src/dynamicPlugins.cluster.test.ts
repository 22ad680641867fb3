/*
 * The suite as Red Hat Developer Hub loads it: the three backend packages exported as dynamic
 * plugins by scripts/export-dynamic-plugins.sh (`rhdh-cli plugin export`), in one folder, loaded
 * by a backend that has only the plugins Developer Hub itself has (catalog, scaffolder,
 * permission) and @backstage/backend-dynamic-feature-service, installed apart from this workspace
 * (scripts/dynamic-plugins-host.sh), so nothing of ours reaches it but the exports. Against the
 * harness's cluster and Prometheus. Developer Hub's own app shell is not run (it is no npm package).
 */
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { eventually, harnessEnv } from '@maas-portal/harness/testing';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

// A cold export builds and exports four packages (minutes); a warm one is a hash of the sources.
jest.setTimeout(1_200_000);

const root = resolvePackagePath('backend', '..', '..');

function freePort(): Promise<number> {
  return new Promise(resolve => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Runs one of the repository's scripts; its one line on stdout is a folder. */
function scriptFolder(script: string): string {
  return execFileSync(join(root, 'scripts', script), {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1024 * 1024,
  }).trim();
}

describe('the dynamic plugin exports in a Developer Hub style backend', () => {
  const token = randomBytes(24).toString('hex');
  let url: string;
  let host: ChildProcess;
  let output = '';

  beforeAll(async () => {
    const exports = scriptFolder('export-dynamic-plugins.sh');
    const hostDir = scriptFolder('dynamic-plugins-host.sh');
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const dir = mkdtempSync(join(tmpdir(), 'maas-dynamic-host-'));
    const config = join(dir, 'app-config.yaml');
    writeFileSync(
      config,
      stringify({
        backend: {
          baseUrl: url,
          listen: { host: '127.0.0.1', port },
          database: { client: 'better-sqlite3', connection: ':memory:' },
          // A service's static token: the test calls the plugins as a service would.
          auth: {
            externalAccess: [
              {
                type: 'static',
                options: { token, subject: 'dynamic-plugins-test' },
              },
            ],
          },
        },
        dynamicPlugins: { rootDirectory: exports },
        maas: {
          cluster: { kubeconfig: harnessEnv('MAAS_HARNESS_KUBECONFIG') },
          prometheus: { url: harnessEnv('MAAS_HARNESS_PROMETHEUS_URL') },
        },
      }),
    );
    host = spawn(process.execPath, ['host.cjs', '--config', config], {
      cwd: hostDir,
      // The exports live outside the host's folder: Developer Hub too sets NODE_PATH to its
      // node_modules so that they find the @backstage packages they share with it.
      env: { ...process.env, NODE_PATH: join(hostDir, 'node_modules') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    host.stdout!.on('data', d => (output += d));
    host.stderr!.on('data', d => (output += d));
    await eventually(
      async () => {
        if (host.exitCode !== null)
          throw new Error(
            `The dynamic plugins host exited with ${host.exitCode}:\n${output}`,
          );
        // The host listens before every plugin has mounted its routes: a 404 until maas-backend
        // has (a fresh-clone run read one here, where the route then answers 401 without a token).
        const res = await fetch(`${url}/api/maas/status`);
        if (res.status === 404)
          throw new Error(`/api/maas/status is not mounted yet:\n${output}`);
      },
      120_000,
      500,
    );
  });

  afterAll(async () => {
    if (!host || host.exitCode !== null) return;
    const exited = new Promise(resolve => host.once('exit', resolve));
    host.kill('SIGTERM');
    const killed = setTimeout(() => host.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(killed);
  });

  const get = (path: string, auth = true) =>
    fetch(`${url}${path}`, {
      headers: auth ? { Authorization: `Bearer ${token}` } : {},
    });

  it('answers /api/maas/status from the exported maas-backend, connected to the cluster and Prometheus', async () => {
    expect((await get('/api/maas/status', false)).status).toBe(401);
    const res = await get('/api/maas/status');
    expect(res.status).toBe(200);
    const status = await res.json();
    // A service is no admin: the answer hides the internal addresses (server, url).
    expect(status.cluster).toMatchObject({
      state: 'connected',
      version: expect.any(String),
    });
    expect(status.prometheus).toMatchObject({ state: 'connected' });
    expect(output).toContain(
      "loaded dynamic backend plugin '@maas-portal/plugin-maas-backend-dynamic'",
    );
  });

  it("gives the scaffolder the exported module's Create model actions", async () => {
    const res = await get('/api/scaffolder/v2/actions');
    expect(res.status).toBe(200);
    const ids = ((await res.json()) as Array<{ id: string }>).map(a => a.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'maas:model:check-name',
        'maas:model:render',
        'maas:model:apply',
        'maas:model:register',
      ]),
    );
  });

  it("gives the catalog the exported module's model entity provider, scheduled", async () => {
    const res = await get('/api/catalog/.backstage/scheduler/v1/tasks');
    expect(res.status).toBe(200);
    const { tasks } = (await res.json()) as {
      tasks: Array<{ taskId: string }>;
    };
    expect(tasks.map(t => t.taskId)).toContain('maas-model-entities');
  });

  it('serves the exported frontend as a module federation remote for the new frontend system', async () => {
    const res = await get('/.backstage/dynamic-features/remotes');
    expect(res.status).toBe(200);
    const remotes = (await res.json()) as Array<{
      packageName: string;
      exposedModules: string[];
    }>;
    expect(remotes).toEqual([
      expect.objectContaining({
        packageName: '@maas-portal/plugin-maas-dynamic',
        exposedModules: expect.arrayContaining(['.', 'alpha']),
      }),
    ]);
  });
});
