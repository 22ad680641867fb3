/*
 * Issue #20 M6 over real HTTP: the Kubernetes plugin's proxy, behind the portal's route guard, drops
 * a client's Impersonate-* headers, so a request through it runs as the plugin's own account of
 * deploy/rbac.yaml and never as someone that account could impersonate. The backend runs as a Node
 * process of its own (the proxy cannot run under Jest, see kubernetes/__testUtils__), called with a
 * static service token (who may use the proxy at all is permissionMatrix.cluster.test.ts's and
 * kubernetesRoutes.cluster.test.ts's: developers get 403, admins pass).
 */
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import {
  createTestNamespace,
  deleteTestNamespace,
  eventually,
  harnessKubeConfig,
  kubernetesClusterLocators,
  kubernetesReaderCredentials,
  ServiceAccountCredentials,
} from '@maas-portal/harness/testing';
import { ChildProcess, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { RBAC_FILE } from './__testUtils__/portalTestBackend';

jest.setTimeout(120_000);

const IMPERSONATION = {
  'Impersonate-User': 'system:admin',
  'Impersonate-Group': 'system:masters',
};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

describe('the Kubernetes proxy (issue #20 M6)', () => {
  let kc: KubeConfig;
  let ns: string;
  let reader: ServiceAccountCredentials;
  let child: ChildProcess | undefined;
  let baseUrl: string;
  let log: string;
  const token = crypto.randomBytes(24).toString('hex');

  const viaProxy = (apiPath: string, headers: Record<string, string> = {}) =>
    fetch(`${baseUrl}/api/kubernetes/proxy${apiPath}`, {
      headers: {
        authorization: `Bearer ${token}`,
        'backstage-kubernetes-cluster': 'harness',
        ...headers,
      },
    });
  /** The API server called directly with the plugin's token and `headers`. */
  const direct = (apiPath: string, headers: Record<string, string>) => {
    const cluster = reader.kubeConfig.getCurrentCluster()!;
    return new Promise<{ status: number; body: string }>((resolve, reject) =>
      https
        .get(
          `${cluster.server}${apiPath}`,
          {
            ca: Buffer.from(cluster.caData!, 'base64'),
            headers: { authorization: `Bearer ${reader.token}`, ...headers },
          },
          res => {
            let body = '';
            res.on('data', chunk => (body += chunk));
            res.on('end', () => resolve({ status: res.statusCode!, body }));
          },
        )
        .on('error', reject),
    );
  };

  beforeAll(async () => {
    kc = harnessKubeConfig();
    ns = await createTestNamespace(kc, 'k8s-proxy');
    await kc.makeApiClient(CoreV1Api).createNamespacedSecret({
      namespace: ns,
      body: { metadata: { name: 'a-key' }, stringData: { api_key: 'x' } },
    });
    reader = await kubernetesReaderCredentials(kc, RBAC_FILE);
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maas-k8s-proxy-'));
    const config = path.join(dir, 'app-config.json');
    fs.writeFileSync(
      config,
      JSON.stringify({
        app: { baseUrl },
        backend: {
          baseUrl,
          listen: { host: '127.0.0.1', port },
          database: { client: 'better-sqlite3', connection: ':memory:' },
          auth: {
            externalAccess: [
              { type: 'static', options: { token, subject: 'proxy-test' } },
            ],
          },
        },
        kubernetes: {
          serviceLocatorMethod: { type: 'multiTenant' },
          clusterLocatorMethods: kubernetesClusterLocators(reader.kubeConfig),
        },
      }),
      { mode: 0o600 },
    );
    log = path.join(dir, 'backend.log');
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development' };
    for (const name of Object.keys(env))
      if (name.startsWith('JEST_')) delete env[name];
    child = spawn(
      process.execPath,
      [
        '--require',
        require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
        path.join(
          __dirname,
          'kubernetes',
          '__testUtils__',
          'kubernetesProxyBackend.ts',
        ),
        '--config',
        config,
      ],
      {
        cwd: path.resolve(__dirname, '..'),
        env,
        stdio: ['ignore', fs.openSync(log, 'a'), fs.openSync(log, 'a')],
      },
    );
    await eventually(async () => {
      if (child!.exitCode !== null)
        throw new Error(`the backend exited: ${fs.readFileSync(log, 'utf8')}`);
      const res = await fetch(`${baseUrl}/api/kubernetes/clusters`, {
        headers: { authorization: `Bearer ${token}` },
      });
      if (res.status !== 200) throw new Error(`${res.status}`);
    }, 90_000);
  }, 120_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise(r => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    if (kc && ns) await deleteTestNamespace(kc, ns);
  });

  it("M6: the proxy drops a client's Impersonate-* headers: the call runs as the plugin's own account, never as system:admin", async () => {
    // Sent to the API server as they are, the headers ask the plugin's account to impersonate.
    const asked = await direct(`/api/v1/namespaces/${ns}/pods`, IMPERSONATION);
    expect(asked.status).toBe(403);
    expect(asked.body).toMatch(/cannot impersonate/);

    // Through the proxy they are gone: the plugin's account lists the pods it may list...
    const pods = await viaProxy(`/api/v1/namespaces/${ns}/pods`, IMPERSONATION);
    expect(pods.status).toBe(200);
    expect((await pods.json()).kind).toBe('PodList');
    // ... and is refused the Secrets as itself, not as the impersonated admin.
    const secrets = await viaProxy(`/api/v1/namespaces/${ns}/secrets`, {
      ...IMPERSONATION,
      'Impersonate-Extra-Scopes': 'all',
      'Impersonate-Uid': '0',
    });
    expect(secrets.status).toBe(403);
    expect((await secrets.json()).message).toContain(
      `User "${reader.user}" cannot list resource "secrets"`,
    );
  });
});
