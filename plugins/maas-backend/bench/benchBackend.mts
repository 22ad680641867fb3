// The portal's backend as the benchmarks start it: its config file, its command, when it is up,
// and a guest's sign-in.
import { spawn, type StdioOptions } from 'node:child_process';
import { openSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository's root. */
export const root = resolve(import.meta.dirname, '..', '..', '..');

/** Waits until `check` holds, a second apart; throws naming `what` after `ms`. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  ms: number,
) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline)
      throw new Error(`${what}: not within ${ms / 1000} s`);
    await new Promise(r => setTimeout(r, 1000));
  }
}

/**
 * Starts packages/backend with app-config.yaml, app-config.guest.yaml and an `app-config.bench.json` written into `dir`:
 * the backend on 127.0.0.1:`port` with `database`, and `rest` (maas, catalog) beside it. `how`:
 * `yarn` start (the developer's way), or `node` on its entry point as the production image runs
 * it, without watch mode, so that a file edited meanwhile does not restart it mid-measurement.
 * Returns once /api/maas/status asks for sign-in (401); its log is `dir`/backend.log.
 */
export async function startBenchBackend(
  dir: string,
  options: {
    how: 'yarn' | 'node';
    port: number;
    database: object;
    upWithinMs?: number;
    [key: string]: unknown;
  },
) {
  const { how, port, database, upWithinMs = 180_000, ...rest } = options;
  const baseUrl = `http://127.0.0.1:${port}`;
  const config = join(dir, 'app-config.bench.json');
  writeFileSync(
    config,
    JSON.stringify({
      backend: { baseUrl, listen: { port, host: '127.0.0.1' }, database },
      ...rest,
    }),
  );
  // Signed in as the guest of the single-user laptop portal (app-config.guest.yaml).
  const configs = [
    '--config',
    join(root, 'app-config.yaml'),
    '--config',
    join(root, 'app-config.guest.yaml'),
    '--config',
    config,
  ];
  const log = join(dir, 'backend.log');
  const stdio: StdioOptions = [
    'ignore',
    openSync(log, 'a'),
    openSync(log, 'a'),
  ];
  const child =
    how === 'yarn'
      ? spawn('yarn', ['workspace', 'backend', 'start', ...configs], {
          cwd: root,
          stdio,
          detached: true,
        })
      : spawn(
          process.execPath,
          [
            '--require',
            '@backstage/cli/config/nodeTransform.cjs',
            'src/index.ts',
            ...configs,
          ],
          {
            cwd: join(root, 'packages', 'backend'),
            stdio,
            detached: true,
            env: { ...process.env, NODE_ENV: 'development' },
          },
        );
  const stop = () => {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  try {
    await waitUntil(
      `the backend did not start (log: ${log})`,
      async () => (await fetch(`${baseUrl}/api/maas/status`)).status === 401,
      upWithinMs,
    );
  } catch (error) {
    stop();
    throw error;
  }
  return { baseUrl, log, stop };
}

/** Signs in as guest: the request headers that carry the token, and the guest's entity ref. */
export async function guestSignIn(baseUrl: string) {
  const guest = await (
    await fetch(`${baseUrl}/api/auth/guest/refresh`, {
      headers: { 'X-Requested-With': 'XMLHttpRequest' },
    })
  ).json();
  return {
    headers: { authorization: `Bearer ${guest.backstageIdentity.token}` },
    userEntityRef: guest.backstageIdentity.identity.userEntityRef as string,
  };
}
