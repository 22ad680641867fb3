/*
 * Fault drills: stop, kill, start or restart a server of the harness this test runs in, through
 * its control endpoint (src/control.ts). Only that harness's own process is touched; other
 * harnesses (other engineers' test runs) have their own endpoint. A file using these disturbs
 * the other tests of its harness: name it `*.exclusive.*` so that the test command runs it alone.
 */
import { harnessEnv } from './harnessEnv.ts';

export type HarnessServer = 'kube-apiserver' | 'prometheus' | 'postgres';

async function control(
  server: HarnessServer,
  action: 'stop' | 'start' | 'restart',
  how?: 'kill',
): Promise<{ pid?: number; readyInMs?: number }> {
  const url = new URL(
    `/servers/${server}/${action}`,
    harnessEnv('MAAS_HARNESS_CONTROL_URL'),
  );
  if (how) url.searchParams.set('how', how);
  const res = await fetch(url, { method: 'POST' });
  const body = await res.json();
  if (!res.ok)
    throw new Error(
      `harness could not ${action} ${server}: ${body?.error?.message}`,
    );
  return body;
}

/** Stops `server` cleanly, or with SIGKILL when `how` is 'kill' (a crash). */
export const stopServer = (server: HarnessServer, how?: 'kill') =>
  control(server, 'stop', how);

/** Starts a stopped `server` again, same arguments and port; resolves once it is ready. */
export const startServer = (server: HarnessServer) => control(server, 'start');

/** Stops (or kills) and starts `server`; resolves once it is ready again. */
export const restartServer = (server: HarnessServer, how?: 'kill') =>
  control(server, 'restart', how);
