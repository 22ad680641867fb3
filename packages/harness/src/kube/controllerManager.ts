/* kube-controller-manager with only the namespace and garbage-collector controllers. */
import fs from 'node:fs';
import path from 'node:path';
import { spawnManaged } from '../processes.ts';
import type { ManagedProcess } from '../processes.ts';
import { BUILD_SERVERS } from '../servers.ts';
import { waitFor } from '../waitFor.ts';
import type { KubeCluster, StartKubeOptions } from './apiserver.ts';

/** What the namespace controller logs when it runs (pkg/controller/namespace). */
const NAMESPACE_CONTROLLER_STARTED = /Starting namespace controller/;

/** Deleted namespaces really go away, and owner references are collected. */
export async function startControllerManager(
  options: StartKubeOptions & { cluster: KubeCluster },
): Promise<ManagedProcess> {
  const { binaries, dir, track, timing, cluster } = options;
  const t = Date.now();
  const log = path.join(dir, 'kube', 'kube-controller-manager.log');
  const kcm = spawnManaged(
    'kube-controller-manager',
    binaries['kube-controller-manager'],
    [
      `--kubeconfig=${cluster.adminKubeconfig}`,
      '--controllers=namespace-controller,garbage-collector-controller',
      '--leader-elect=false',
      // No serving port at all: nothing reads its metrics or health.
      '--secure-port=0',
      '--profiling=false',
      '--v=1',
    ],
    { log, installHint: BUILD_SERVERS },
  );
  track(kcm);
  cluster.processes.push(kcm);
  await waitFor(
    'kube-controller-manager to start its namespace controller',
    async () => NAMESPACE_CONTROLLER_STARTED.test(fs.readFileSync(log, 'utf8')),
    { timeoutMs: 60000, intervalMs: 100, alive: () => kcm.deadMessage() },
  );
  timing('kube-controller-manager', t);
  return kcm;
}
