/* PostgreSQL from Debian (initdb + postgres) in a temp dir, on 127.0.0.1, as the `postgres` user when root. */
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { runToCompletion, spawnManaged } from './processes.ts';
import type { ManagedProcess } from './processes.ts';
import { freePort } from './ports.ts';
import { INSTALL_PREREQUISITES } from './servers.ts';
import { waitFor } from './waitFor.ts';

export interface PostgresInstance {
  url: string;
  major: number;
  port: number;
  process: ManagedProcess;
}

/** The newest /usr/lib/postgresql/<major>/bin with initdb and postgres (or MAAS_HARNESS_PG_BINDIR). */
export function findPostgres(): { bindir: string; major: number } {
  const override = process.env.MAAS_HARNESS_PG_BINDIR;
  const candidates: Array<{ bindir: string; major: number }> = [];
  if (override) {
    const m = override.match(/postgresql\/(\d+)\//);
    candidates.push({ bindir: override, major: m ? Number(m[1]) : 0 });
  } else if (fs.existsSync('/usr/lib/postgresql')) {
    for (const v of fs.readdirSync('/usr/lib/postgresql')) {
      if (/^\d+$/.test(v))
        candidates.push({
          bindir: `/usr/lib/postgresql/${v}/bin`,
          major: Number(v),
        });
    }
    candidates.sort((a, b) => b.major - a.major);
  }
  const found = candidates.find(
    c =>
      fs.existsSync(path.join(c.bindir, 'initdb')) &&
      fs.existsSync(path.join(c.bindir, 'postgres')),
  );
  if (!found) {
    throw new Error(
      `PostgreSQL server binaries (initdb, postgres) not found under /usr/lib/postgresql/<major>/bin (Debian package postgresql). Install them with: ${INSTALL_PREREQUISITES}`,
    );
  }
  return found;
}

function userIds(name: string): { uid: number; gid: number } | undefined {
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find(l => l.startsWith(`${name}:`));
  if (!line) return undefined;
  const parts = line.split(':');
  return { uid: Number(parts[2]), gid: Number(parts[3]) };
}

export async function startPostgres(options: {
  dir: string;
  track: (p: ManagedProcess) => void;
  timing: (what: string, startMs: number) => void;
}): Promise<PostgresInstance> {
  const { dir, track, timing } = options;
  const t = Date.now();
  const { bindir, major } = findPostgres();
  const pgdir = path.join(dir, 'postgres');
  const data = path.join(pgdir, 'data');
  fs.mkdirSync(pgdir, { recursive: true, mode: 0o700 });
  // postgres refuses to run as root: as root, run it as the `postgres` user and give it the folder.
  let user: string | undefined;
  if (process.getuid?.() === 0) {
    const ids = userIds('postgres');
    if (!ids) {
      throw new Error(
        `running as root, but there is no 'postgres' user to run PostgreSQL as. Install Debian's postgresql: ${INSTALL_PREREQUISITES}`,
      );
    }
    user = 'postgres';
    fs.chmodSync(dir, 0o711);
    fs.chownSync(pgdir, ids.uid, ids.gid);
  }
  const password = crypto.randomBytes(16).toString('hex');
  const pwfile = path.join(pgdir, 'pwfile');
  fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (user) {
    const ids = userIds(user)!;
    fs.chownSync(pwfile, ids.uid, ids.gid);
  }
  await runToCompletion(
    'initdb',
    path.join(bindir, 'initdb'),
    [
      `--pgdata=${data}`,
      '--username=postgres',
      `--pwfile=${pwfile}`,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C',
      '--no-sync',
      '--no-instructions',
    ],
    {
      log: path.join(dir, 'postgres-initdb.log'),
      user,
      installHint: INSTALL_PREREQUISITES,
      cwd: pgdir,
    },
  );
  const port = await freePort();
  const log = path.join(dir, 'postgres.log');
  const proc = spawnManaged(
    'postgres',
    path.join(bindir, 'postgres'),
    [
      '-D',
      data,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `port=${port}`,
      '-c',
      `unix_socket_directories=${pgdir}`,
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=200',
    ],
    {
      log,
      user,
      stopSignal: 'SIGINT',
      installHint: INSTALL_PREREQUISITES,
      cwd: pgdir,
    },
  );
  track(proc);
  await waitFor(
    'postgres to accept connections',
    async () => {
      if (
        !/database system is ready to accept connections/.test(
          fs.readFileSync(log, 'utf8'),
        )
      )
        return false;
      return new Promise<boolean>(resolve => {
        const s = net.connect({ host: '127.0.0.1', port }, () => {
          s.destroy();
          resolve(true);
        });
        s.on('error', () => resolve(false));
      });
    },
    { timeoutMs: 60000, alive: () => proc.deadMessage() },
  );
  timing('postgres', t);
  return {
    url: `postgresql://postgres:${password}@127.0.0.1:${port}`,
    major,
    port,
    process: proc,
  };
}
