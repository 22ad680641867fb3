/*
 * The Kuadrant control plane alone, on the API server of a harness that is already up (for working on it
 * without restarting the whole harness):
 *   node packages/harness/src/kuadrant/standalone.ts --kubeconfig <MAAS_HARNESS_KUBECONFIG> [-- <command...>]
 * Without a command it stays up until Ctrl-C; with one it runs it with the env and exits with its code.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnManaged } from '../processes.ts';
import type { ManagedProcess } from '../processes.ts';
import { stderrLogger } from '../logging.ts';
import { buildServers } from '../servers.ts';
import { startKuadrantControlPlane } from './controlPlane.ts';
import type { KuadrantControlPlane } from './controlPlane.ts';

const argv = process.argv.slice(2);
const at = argv.indexOf('--kubeconfig');
const kubeconfig = at >= 0 ? argv[at + 1] : process.env.MAAS_HARNESS_KUBECONFIG;
const dashes = argv.indexOf('--');
const command = dashes >= 0 ? argv.slice(dashes + 1) : [];
if (!kubeconfig) {
  stderrLogger(
    'usage: standalone.ts --kubeconfig <file> [-- <command...>] (or MAAS_HARNESS_KUBECONFIG)',
  );
  process.exit(2);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maas-kuadrant-'));
const processes: ManagedProcess[] = [];
let plane: KuadrantControlPlane | undefined;
let stopping = false;

async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    await plane?.stop();
    await Promise.all(processes.map(p => p.stop()));
    if (!process.env.MAAS_HARNESS_KEEP_DIR)
      fs.rmSync(dir, { recursive: true, force: true });
    process.exit(code);
  }
  return new Promise<never>(() => undefined);
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
  process.on(sig, () => void stop(128 + os.constants.signals[sig]));
process.on('exit', () => processes.forEach(p => p.killNow()));

async function main(): Promise<void> {
  const t = Date.now();
  plane = await startKuadrantControlPlane({
    dir,
    kubeconfig: kubeconfig!,
    binaries: await buildServers(),
    track: p => processes.push(p),
    timing: (what, start) =>
      stderrLogger(
        `${what} ready in ${((Date.now() - start) / 1000).toFixed(1)} s`,
      ),
    log: stderrLogger,
  });
  stderrLogger(
    `Kuadrant control plane up in ${((Date.now() - t) / 1000).toFixed(
      1,
    )} s; logs in ${dir}/kuadrant`,
  );
  const env = { MAAS_HARNESS_KUBECONFIG: kubeconfig!, ...plane.env };
  if (command.length === 0) {
    for (const [k, v] of Object.entries(env))
      process.stdout.write(`export ${k}='${v}'\n`);
    await new Promise(() => undefined);
  }
  const child = spawnManaged('command', command[0], command.slice(1), {
    log: 'inherit',
    env: { ...process.env, ...env },
    installHint: 'Check the command name and PATH.',
  });
  const exit = await child.exited;
  await stop(exit.code ?? 1);
}

main().catch(e => {
  stderrLogger(`error: ${e instanceof Error ? e.message : e}`);
  void stop(1);
});
