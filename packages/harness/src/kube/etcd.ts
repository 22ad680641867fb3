/* etcd for the harness's API server: one member on 127.0.0.1, data in the temp dir, no fsync. */
import path from 'node:path';
import { freePorts } from '../ports.ts';
import { spawnManaged } from '../processes.ts';
import type { ManagedProcess } from '../processes.ts';
import { BUILD_SERVERS } from '../servers.ts';
import { waitFor } from '../waitFor.ts';

export interface Etcd {
  process: ManagedProcess;
  /** http://127.0.0.1:<port>, for --etcd-servers */
  url: string;
}

export async function startEtcd(
  binary: string,
  dir: string,
  track: (p: ManagedProcess) => void,
): Promise<Etcd> {
  const [clientPort, peerPort] = await freePorts(2);
  const url = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const etcd = spawnManaged(
    'etcd',
    binary,
    [
      '--name=harness',
      `--data-dir=${path.join(dir, 'etcd')}`,
      `--listen-client-urls=${url}`,
      `--advertise-client-urls=${url}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=harness=${peer}`,
      '--unsafe-no-fsync',
      '--max-request-bytes=10485760',
      '--logger=zap',
      '--log-outputs=stderr',
      '--log-level=warn',
    ],
    { log: path.join(dir, 'etcd.log'), installHint: BUILD_SERVERS },
  );
  track(etcd);
  await waitFor(
    'etcd /health',
    async () => {
      const res = await fetch(`${url}/health`);
      return res.ok && ((await res.json()) as any).health === 'true';
    },
    { timeoutMs: 30000, alive: () => etcd.deadMessage() },
  );
  return { process: etcd, url };
}
