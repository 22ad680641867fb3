/*
 * etcd + kube-apiserver on 127.0.0.1: static-token users, RBAC, service-account tokens signed with a key of
 * its own, a self-signed serving certificate. Node built-ins only.
 */
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '../ports.ts';
import { spawnManaged } from '../processes.ts';
import type { ManagedProcess } from '../processes.ts';
import { BUILD_SERVERS } from '../servers.ts';
import type { ServerBinaries } from '../servers.ts';
import { waitFor } from '../waitFor.ts';
import { KubeClient } from './client.ts';
import { kubeconfig, writeCredentials } from './credentials.ts';
import type { KubeIdentity } from './credentials.ts';
import { startEtcd } from './etcd.ts';

export interface KubeCluster {
  server: string;
  ca: string;
  admin: KubeIdentity;
  limited: KubeIdentity;
  adminKubeconfig: string;
  limitedKubeconfig: string;
  processes: ManagedProcess[];
  adminClient: KubeClient;
}

export interface StartKubeOptions {
  dir: string;
  binaries: ServerBinaries;
  /** Register each process as soon as it is spawned, so that an abort can stop it. */
  track: (p: ManagedProcess) => void;
  timing: (what: string, startMs: number) => void;
}

/** The issuer and audience of the service-account tokens it signs (a cluster's usual one). */
const SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

export async function startKube(
  options: StartKubeOptions,
): Promise<KubeCluster> {
  const { dir, binaries, track, timing } = options;
  const kdir = path.join(dir, 'kube');
  const certDir = path.join(kdir, 'certs');
  fs.mkdirSync(certDir, { recursive: true, mode: 0o700 });
  const processes: ManagedProcess[] = [];

  let t = Date.now();
  const etcd = await startEtcd(binaries.etcd, kdir, p => {
    track(p);
    processes.push(p);
  });
  timing('etcd', t);

  t = Date.now();
  const credentials = writeCredentials(kdir);
  const apiPort = await freePort();
  const apiserver = spawnManaged(
    'kube-apiserver',
    binaries['kube-apiserver'],
    [
      `--etcd-servers=${etcd.url}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--cert-dir=${certDir}`,
      `--token-auth-file=${credentials.tokenFile}`,
      '--authorization-mode=RBAC',
      `--service-account-key-file=${credentials.serviceAccountPublicKey}`,
      `--service-account-signing-key-file=${credentials.serviceAccountKey}`,
      `--service-account-issuer=${SERVICE_ACCOUNT_ISSUER}`,
      `--api-audiences=${SERVICE_ACCOUNT_ISSUER}`,
      '--service-cluster-ip-range=10.0.0.0/24',
      // No pods run here, so none needs a mounted service-account token.
      '--disable-admission-plugins=ServiceAccount',
      // No Service "kubernetes" endpoints to keep: nothing in the cluster dials the API server by it.
      '--endpoint-reconciler-type=none',
      '--allow-privileged=true',
      '--profiling=false',
      '--enable-priority-and-fairness=false',
      '--v=1',
    ],
    { log: path.join(kdir, 'kube-apiserver.log'), installHint: BUILD_SERVERS },
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
  const adminClient = new KubeClient(server, ca, credentials.admin.token);
  await waitFor(
    'kube-apiserver /readyz',
    async () => (await adminClient.request('GET', '/readyz')).status === 200,
    { timeoutMs: 90000, intervalMs: 200, alive: () => apiserver.deadMessage() },
  );
  timing('kube-apiserver', t);

  const adminKubeconfig = path.join(dir, 'admin.kubeconfig');
  const limitedKubeconfig = path.join(dir, 'limited.kubeconfig');
  fs.writeFileSync(
    adminKubeconfig,
    kubeconfig(server, ca, credentials.admin, 'llm'),
    { mode: 0o600 },
  );
  fs.writeFileSync(
    limitedKubeconfig,
    kubeconfig(server, ca, credentials.limited, 'llm'),
    { mode: 0o600 },
  );

  return {
    server,
    ca,
    admin: credentials.admin,
    limited: credentials.limited,
    adminKubeconfig,
    limitedKubeconfig,
    processes,
    adminClient,
  };
}
