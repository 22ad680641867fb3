/*
 * Where the harness's server binaries come from. etcd, kube-apiserver, kube-controller-manager,
 * kuadrant-operator, Authorino and llm-d-inference-sim are built from their Go modules, maas-limitador-server
 * from our crate rust/limitador-server (on the published limitador library) and maas-gateway from our Go module
 * go/gateway, all by scripts/build-servers.sh into $MAAS_CACHE_DIR/servers; Prometheus and PostgreSQL are
 * Debian packages (scripts/install-prerequisites.sh).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const INSTALL_PREREQUISITES =
  'bash packages/harness/scripts/install-prerequisites.sh';
export const BUILD_SERVERS = 'bash packages/harness/scripts/build-servers.sh';

const BUILD_SCRIPT = path.resolve(
  import.meta.dirname,
  '..',
  'scripts',
  'build-servers.sh',
);

export const SERVER_NAMES = [
  'etcd',
  'kube-apiserver',
  'kube-controller-manager',
  'kuadrant-operator',
  'authorino',
  'llm-d-inference-sim',
  'maas-limitador-server',
  'maas-gateway',
] as const;
export type ServerName = (typeof SERVER_NAMES)[number];
export type ServerBinaries = Record<ServerName, string>;

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

/**
 * Runs build-servers.sh and returns the path of each binary. The script only checks when the binaries of the
 * pinned Go modules and of our own sources are there (about a second), builds what is missing otherwise
 * (minutes, logged to stderr), and takes kube-apiserver and etcd from KUBEBUILDER_ASSETS when that is set.
 */
export async function buildServers(): Promise<ServerBinaries> {
  const child = spawn('bash', [BUILD_SCRIPT], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', chunk => {
    stdout += chunk;
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', resolve);
  });
  if (code !== 0) {
    throw new Error(
      `${BUILD_SERVERS} failed (exit ${code}; its message is above)`,
    );
  }
  const dir = stdout.trim().split('\n').pop() ?? '';
  const executable = (name: string) => {
    try {
      fs.accessSync(path.join(dir, name), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  const missing = SERVER_NAMES.filter(name => !executable(name));
  if (missing.length) {
    throw new Error(
      `${BUILD_SERVERS} printed ${dir}, which lacks ${missing.join(', ')}`,
    );
  }
  return Object.fromEntries(
    SERVER_NAMES.map(name => [name, path.join(dir, name)]),
  ) as ServerBinaries;
}
