/* Small helpers shared by the harness: logging, timing, ports, polling. Node built-ins only. */
import net from 'node:net';
import fs from 'node:fs';

export type Logger = (message: string) => void;

export const stderrLogger: Logger = message => {
  process.stderr.write(`[harness] ${message}\n`);
};

export function seconds(fromMs: number): string {
  return `${((Date.now() - fromMs) / 1000).toFixed(1)} s`;
}

/** A free TCP port on 127.0.0.1 (the OS picks it; the server that gets it binds it right after). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function freePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

export function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/**
 * Polls `check` until it returns a truthy value. `alive` (if given) is asked each round and its message, when
 * it returns one, aborts the wait (e.g. "etcd exited with code 1").
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  options: {
    timeoutMs: number;
    intervalMs?: number;
    alive?: () => string | undefined;
  },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    const dead = options.alive?.();
    if (dead) throw new Error(`${what}: ${dead}`);
    try {
      const result = await check();
      if (result) return result;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      const detail =
        lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(
        `timed out after ${
          options.timeoutMs / 1000
        } s waiting for ${what}${detail}`,
      );
    }
    await sleep(options.intervalMs ?? 100);
  }
}

export function tailFile(file: string, lines = 25): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text
      .split('\n')
      .slice(-lines - 1)
      .join('\n');
  } catch {
    return '(no log)';
  }
}

/** Finds an executable by absolute path or on PATH. */
export function findExecutable(name: string): string | undefined {
  const isExec = (p: string) => {
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return fs.statSync(p).isFile();
    } catch {
      return false;
    }
  };
  if (name.includes('/')) return isExec(name) ? name : undefined;
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && isExec(`${dir}/${name}`)) return `${dir}/${name}`;
  }
  return undefined;
}

/** Resident memory of a process in MiB, from /proc (0 when unknown). */
export function rssMiB(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = status.match(/^VmRSS:\s+(\d+)\s+kB/m);
    return m ? Math.round(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}
