/*
 * etcd + kube-apiserver (+ kube-controller-manager) on 127.0.0.1, and a tiny HTTPS client for them.
 * Node built-ins only.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { spawnManaged } from './processes.ts';
import type { ManagedProcess } from './processes.ts';
import { freePorts, waitFor } from './util.ts';

export const INSTALL_PREREQUISITES =
  'bash packages/harness/scripts/install-prerequisites.sh';
export const BUILD_KUBE = 'bash packages/harness/scripts/build-kube.sh';

export interface KubeResponse {
  status: number;
  body: any;
  text: string;
}

export class KubeClient {
  server: string;
  ca: string;
  token: string;

  constructor(server: string, ca: string, token: string) {
    this.server = server;
    this.ca = ca;
    this.token = token;
  }

  request(
    method: string,
    urlPath: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<KubeResponse> {
    const url = new URL(urlPath, this.server);
    let payload: string | undefined;
    if (body !== undefined)
      payload = typeof body === 'string' ? body : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = https.request(
        url,
        {
          method,
          ca: this.ca,
          headers: {
            Authorization: `Bearer ${this.token}`,
            Accept: 'application/json',
            ...(payload === undefined
              ? {}
              : {
                  'Content-Type': contentType,
                  'Content-Length': Buffer.byteLength(payload),
                }),
          },
        },
        res => {
          const chunks: Buffer[] = [];
          res.on('data', c => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: any = undefined;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              parsed = undefined;
            }
            resolve({ status: res.statusCode ?? 0, body: parsed, text });
          });
        },
      );
      req.on('error', reject);
      req.setTimeout(30000, () =>
        req.destroy(new Error(`${method} ${urlPath}: timeout`)),
      );
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  async must(
    method: string,
    urlPath: string,
    body?: unknown,
    okStatuses = [200, 201],
  ): Promise<any> {
    const res = await this.request(method, urlPath, body);
    if (!okStatuses.includes(res.status)) {
      throw new Error(
        `${method} ${urlPath} -> ${res.status}: ${
          res.body?.message ?? res.text.slice(0, 500)
        }`,
      );
    }
    return res.body;
  }
}

export interface KubeBinaries {
  apiserver: string;
  controllerManager?: string;
  etcd: string;
}

function executable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function cacheDir(): string {
  return (
    process.env.MAAS_CACHE_DIR ||
    path.join(
      process.env.XDG_CACHE_HOME ||
        path.join(process.env.HOME || '/root', '.cache'),
      'maas-backstage',
    )
  );
}

/** KUBEBUILDER_ASSETS if it has kube-apiserver + etcd, else the newest $MAAS_CACHE_DIR/kube-<version>/bin. */
export function findKubeBinaries(): KubeBinaries {
  const assets = process.env.KUBEBUILDER_ASSETS;
  let built: string | undefined;
  const cache = cacheDir();
  if (fs.existsSync(cache)) {
    const dirs = fs
      .readdirSync(cache)
      .filter(
        d =>
          d.startsWith('kube-') &&
          executable(path.join(cache, d, 'bin', 'kube-apiserver')),
      )
      .map(d => path.join(cache, d, 'bin'))
      .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
    built = dirs[0];
  }
  const etcd =
    assets && executable(path.join(assets, 'etcd'))
      ? path.join(assets, 'etcd')
      : '/usr/bin/etcd';
  if (!executable(etcd)) {
    throw new Error(
      `etcd not found at ${etcd} (Debian package etcd-server). Install it with: ${INSTALL_PREREQUISITES}`,
    );
  }
  if (assets && executable(path.join(assets, 'kube-apiserver'))) {
    // envtest's assets have no kube-controller-manager: take the built one when there is one.
    const kcm = [
      path.join(assets, 'kube-controller-manager'),
      built && path.join(built, 'kube-controller-manager'),
    ].find((p): p is string => !!p && executable(p));
    return {
      apiserver: path.join(assets, 'kube-apiserver'),
      controllerManager: kcm,
      etcd,
    };
  }
  if (!built) {
    throw new Error(
      `kube-apiserver not found (looked in KUBEBUILDER_ASSETS=${
        assets ?? '(unset)'
      } and ${cache}/kube-*/bin). ` +
        `Build it once (about 12 min) with: ${BUILD_KUBE}  (after ${INSTALL_PREREQUISITES})`,
    );
  }
  const kcm = path.join(built, 'kube-controller-manager');
  return {
    apiserver: path.join(built, 'kube-apiserver'),
    controllerManager: executable(kcm) ? kcm : undefined,
    etcd,
  };
}

/** Minor version of a Kubernetes binary (`kube-apiserver --version` -> "Kubernetes v1.20.2" -> 20). */
export function kubeMinorVersion(binary: string): number {
  try {
    const out = execFileSync(binary, ['--version'], { encoding: 'utf8' });
    const m = out.match(/v1\.(\d+)\./);
    return m ? Number(m[1]) : 20;
  } catch {
    return 20;
  }
}

export interface KubeIdentity {
  name: string;
  token: string;
  groups: string[];
}

export interface KubeCluster {
  server: string;
  ca: string;
  admin: KubeIdentity;
  limited: KubeIdentity;
  adminKubeconfig: string;
  limitedKubeconfig: string;
  processes: ManagedProcess[];
  adminClient: KubeClient;
  /** Minor version of the API server (20 for Debian's build). */
  minor: number;
}

export function kubeconfig(
  server: string,
  ca: string,
  who: KubeIdentity,
  namespace = 'default',
): string {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'maas-harness',
        cluster: {
          server,
          'certificate-authority-data': Buffer.from(ca).toString('base64'),
        },
      },
    ],
    users: [{ name: who.name, user: { token: who.token } }],
    contexts: [
      {
        name: `maas-harness-${who.name}`,
        context: { cluster: 'maas-harness', user: who.name, namespace },
      },
    ],
    'current-context': `maas-harness-${who.name}`,
    preferences: {},
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

export interface StartKubeOptions {
  dir: string;
  binaries: KubeBinaries;
  /** Register each process as soon as it is spawned, so that an abort can stop it. */
  track: (p: ManagedProcess) => void;
  timing: (what: string, startMs: number) => void;
}

export async function startKube(
  options: StartKubeOptions,
): Promise<KubeCluster> {
  const { dir, binaries, track, timing } = options;
  const kdir = path.join(dir, 'kube');
  fs.mkdirSync(path.join(kdir, 'certs'), { recursive: true, mode: 0o700 });
  const [etcdClientPort, etcdPeerPort, apiPort] = await freePorts(3);
  const processes: ManagedProcess[] = [];

  // etcd
  let t = Date.now();
  const etcd = spawnManaged(
    'etcd',
    binaries.etcd,
    [
      '--name=harness',
      `--data-dir=${path.join(kdir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClientPort}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdClientPort}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
      `--initial-cluster=harness=http://127.0.0.1:${etcdPeerPort}`,
      '--unsafe-no-fsync',
      '--max-request-bytes=10485760',
      '--logger=zap',
      '--log-outputs=stderr',
      '--log-level=warn',
    ],
    { log: path.join(kdir, 'etcd.log'), installHint: INSTALL_PREREQUISITES },
  );
  track(etcd);
  processes.push(etcd);
  await waitFor(
    'etcd /health',
    async () => {
      const res = await fetch(`http://127.0.0.1:${etcdClientPort}/health`);
      return res.ok && ((await res.json()) as any).health === 'true';
    },
    { timeoutMs: 30000, alive: () => etcd.deadMessage() },
  );
  timing('etcd', t);

  // Credentials: static tokens, service-account key pair.
  t = Date.now();
  const admin: KubeIdentity = {
    name: 'maas-admin',
    token: crypto.randomBytes(24).toString('hex'),
    groups: ['system:masters'],
  };
  const limited: KubeIdentity = {
    name: 'maas-limited',
    token: crypto.randomBytes(24).toString('hex'),
    groups: [],
  };
  const tokenFile = path.join(kdir, 'tokens.csv');
  fs.writeFileSync(
    tokenFile,
    `${[admin, limited]
      .map(
        i =>
          `${i.token},${i.name},${i.name}-uid${
            i.groups.length ? `,"${i.groups.join(',')}"` : ''
          }`,
      )
      .join('\n')}\n`,
    { mode: 0o600 },
  );
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', {
    modulusLength: 2048,
  });
  const saKey = path.join(kdir, 'sa.key');
  const saPub = path.join(kdir, 'sa.pub');
  fs.writeFileSync(saKey, privateKey.export({ type: 'pkcs8', format: 'pem' }), {
    mode: 0o600,
  });
  fs.writeFileSync(saPub, publicKey.export({ type: 'spki', format: 'pem' }));

  const apiserverMinor = kubeMinorVersion(binaries.apiserver);
  const certDir = path.join(kdir, 'certs');
  const apiserver = spawnManaged(
    'kube-apiserver',
    binaries.apiserver,
    [
      `--etcd-servers=http://127.0.0.1:${etcdClientPort}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      // Removed in 1.24 (KUBEBUILDER_ASSETS may hold a newer server).
      ...(apiserverMinor < 24 ? ['--insecure-port=0'] : []),
      `--cert-dir=${certDir}`,
      `--token-auth-file=${tokenFile}`,
      '--authorization-mode=RBAC',
      `--service-account-key-file=${saPub}`,
      `--service-account-signing-key-file=${saKey}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      '--api-audiences=https://kubernetes.default.svc.cluster.local',
      '--service-cluster-ip-range=10.0.0.0/24',
      '--disable-admission-plugins=ServiceAccount',
      '--endpoint-reconciler-type=none',
      '--allow-privileged=true',
      '--profiling=false',
      '--enable-priority-and-fairness=false',
      '--v=1',
    ],
    { log: path.join(kdir, 'kube-apiserver.log'), installHint: BUILD_KUBE },
  );
  track(apiserver);
  processes.push(apiserver);
  const server = `https://127.0.0.1:${apiPort}`;
  const certFile = path.join(certDir, 'apiserver.crt');
  const ca = await waitFor(
    'kube-apiserver serving certificate',
    async () =>
      fs.existsSync(certFile) && fs.statSync(certFile).size > 0
        ? fs.readFileSync(certFile, 'utf8')
        : undefined,
    { timeoutMs: 60000, alive: () => apiserver.deadMessage() },
  );
  const adminClient = new KubeClient(server, ca, admin.token);
  await waitFor(
    'kube-apiserver /readyz',
    async () => (await adminClient.request('GET', '/readyz')).status === 200,
    { timeoutMs: 90000, intervalMs: 200, alive: () => apiserver.deadMessage() },
  );
  timing('kube-apiserver', t);

  const adminKubeconfig = path.join(dir, 'admin.kubeconfig');
  const limitedKubeconfig = path.join(dir, 'limited.kubeconfig');
  fs.writeFileSync(adminKubeconfig, kubeconfig(server, ca, admin, 'llm'), {
    mode: 0o600,
  });
  fs.writeFileSync(limitedKubeconfig, kubeconfig(server, ca, limited, 'llm'), {
    mode: 0o600,
  });

  return {
    minor: apiserverMinor,
    server,
    ca,
    admin,
    limited,
    adminKubeconfig,
    limitedKubeconfig,
    processes,
    adminClient,
  };
}

/** kube-controller-manager with only the namespace and garbage-collector controllers. */
export async function startControllerManager(
  options: StartKubeOptions & { cluster: KubeCluster },
): Promise<ManagedProcess | undefined> {
  const { binaries, dir, track, timing, cluster } = options;
  if (!binaries.controllerManager) return undefined;
  const t = Date.now();
  const log = path.join(dir, 'kube', 'kube-controller-manager.log');
  const kcm = spawnManaged(
    'kube-controller-manager',
    binaries.controllerManager,
    [
      `--kubeconfig=${cluster.adminKubeconfig}`,
      '--controllers=namespace,garbagecollector',
      '--leader-elect=false',
      ...(kubeMinorVersion(binaries.controllerManager) < 24
        ? ['--port=0']
        : []),
      '--secure-port=0',
      '--profiling=false',
      '--v=1',
    ],
    { log, installHint: BUILD_KUBE },
  );
  track(kcm);
  cluster.processes.push(kcm);
  await waitFor(
    'kube-controller-manager to start its namespace controller',
    async () => /Started "namespace"/.test(fs.readFileSync(log, 'utf8')),
    { timeoutMs: 60000, intervalMs: 100, alive: () => kcm.deadMessage() },
  );
  timing('kube-controller-manager', t);
  return kcm;
}

export async function ensureNamespace(
  client: KubeClient,
  name: string,
): Promise<void> {
  await client.must(
    'POST',
    '/api/v1/namespaces',
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
    [201, 409],
  );
}
