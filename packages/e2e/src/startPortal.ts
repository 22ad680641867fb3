import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { KubeConfig } from '@kubernetes/client-node';
import {
  kubernetesClusterLocators,
  kubernetesReaderCredentials,
} from '@maas-portal/harness/testing';
import { ChildProcess, spawn, SpawnOptions } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Portal {
  appUrl: string;
  backendUrl: string;
  logFile: string;
  stop(): Promise<void>;
}

/** The repository root: this package lives in packages/e2e. */
const root = resolvePackagePath('@maas-portal/e2e', '..', '..');

async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  logFile: string,
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) {
      const tail = readFileSync(logFile, 'utf8')
        .split('\n')
        .slice(-30)
        .join('\n');
      throw new Error(
        `${what} did not come up within ${
          timeoutMs / 1000
        } s; the portal's log ends with:\n${tail}`,
      );
    }
    await new Promise(r => setTimeout(r, 1000));
  }
}

/** The environment of a developer's shell: not the test runner's (NODE_ENV=test, Jest's own). */
function portalEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    BROWSER: 'none',
  };
  for (const name of Object.keys(env))
    if (name.startsWith('JEST_')) delete env[name];
  return env;
}

/**
 * Starts the portal as a developer does (`yarn start`: the app's dev server and the backend) on
 * ports of its own, with the harness's cluster for the MaaS plugins and the Kubernetes tab, its
 * Prometheus, and a fresh SQLite directory. With `production`, only the backend starts and serves
 * the app's production bundle (`packages/app/dist`, see productionBundle.ts) at its own URL.
 */
export async function startPortal(options: {
  kubeconfig: string;
  prometheusUrl: string;
  appPort: number;
  backendPort: number;
  production?: boolean;
  /** More of the `maas` config section, e.g. `limitador: { url }`. */
  maas?: Record<string, unknown>;
}): Promise<Portal> {
  const dir = mkdtempSync(join(tmpdir(), 'maas-e2e-portal-'));
  const appUrl = options.production
    ? `http://127.0.0.1:${options.backendPort}`
    : `http://127.0.0.1:${options.appPort}`;
  const backendUrl = `http://127.0.0.1:${options.backendPort}`;
  const kc = new KubeConfig();
  kc.loadFromFile(options.kubeconfig);
  // The Kubernetes tab signs in as its own account of deploy/rbac.yaml, as in production: not the
  // admin's token, which every signed-in user would reach through the plugin.
  const reader = await kubernetesReaderCredentials(
    kc,
    join(root, 'deploy', 'rbac.yaml'),
  );
  const config = join(dir, 'app-config.e2e.json');
  writeFileSync(
    config,
    JSON.stringify({
      app: {
        baseUrl: appUrl,
        listen: { host: '127.0.0.1', port: options.appPort },
      },
      backend: {
        baseUrl: backendUrl,
        listen: { host: '127.0.0.1', port: options.backendPort },
        cors: { origin: appUrl },
        database: {
          client: 'better-sqlite3',
          connection: { directory: join(dir, 'sqlite') },
        },
      },
      kubernetes: {
        serviceLocatorMethod: { type: 'multiTenant' },
        clusterLocatorMethods: kubernetesClusterLocators(reader.kubeConfig).map(
          locator => ({
            ...locator,
            // The harness runs no metrics-server: without this the Kubernetes tab reports "a problem
            // retrieving Kubernetes objects" (metrics.k8s.io answers 404) for every model with pods.
            clusters: locator.clusters.map(cluster => ({
              ...cluster,
              skipMetricsLookup: true,
            })),
          }),
        ),
      },
      maas: {
        cluster: { kubeconfig: options.kubeconfig },
        prometheus: { url: options.prometheusUrl },
        ...options.maas,
      },
    }),
  );
  const logFile = join(dir, 'portal.log');
  // The single-user laptop portal (app-config.guest.yaml: one guest, an admin, who requests and
  // approves its own keys); a test signing in real people overrides its sign-in choices.
  const configArgs = [
    '--config',
    join(root, 'app-config.yaml'),
    '--config',
    join(root, 'app-config.guest.yaml'),
    '--config',
    config,
  ];
  const spawnOptions: SpawnOptions = {
    detached: true,
    stdio: ['ignore', openSync(logFile, 'a'), openSync(logFile, 'a')],
    env: portalEnv(),
  };
  // Production: the backend runs once, as `backstage-cli package start` runs it but without its
  // file watcher, which restarts it whenever a source file of the work tree changes.
  const child: ChildProcess = options.production
    ? spawn(
        process.execPath,
        [
          '--enable-source-maps',
          '--require',
          require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
          'src/index',
          ...configArgs,
        ],
        { ...spawnOptions, cwd: join(root, 'packages', 'backend') },
      )
    : spawn('yarn', ['start', ...configArgs], { ...spawnOptions, cwd: root });
  const exited = new Promise<void>(r => child.once('exit', () => r()));
  const stop = async () => {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      return;
    }
    const killed = setTimeout(
      () => process.kill(-child.pid!, 'SIGKILL'),
      10_000,
    );
    await exited;
    clearTimeout(killed);
  };
  try {
    await waitFor(
      'The backend',
      async () => (await fetch(`${backendUrl}/api/maas/status`)).status === 401,
      180_000,
      logFile,
    );
    await waitFor(
      'The app',
      async () => (await fetch(appUrl)).ok,
      180_000,
      logFile,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { appUrl, backendUrl, logFile, stop };
}
