/*
 * MaaS test harness CLI.
 *   node packages/harness/src/cli.ts up [--seed N]          start everything, print the env, stay up until Ctrl-C
 *   node packages/harness/src/cli.ts run [--seed N] -- CMD  start everything, run CMD with the env, stop, exit with CMD's code
 */
import { Harness } from './harness.ts';
import { spawnManaged } from './processes.ts';
import type { ManagedProcess } from './processes.ts';
import { stderrLogger } from './logging.ts';
import { sleep } from './waitFor.ts';
import os from 'node:os';

const USAGE = `usage:
  node packages/harness/src/cli.ts up [--seed N]
  node packages/harness/src/cli.ts run [--seed N] -- <command> [args...]

Starts etcd, kube-apiserver (+ CRDs, namespace llm), kube-controller-manager, Prometheus (backfilled
synthetic Kuadrant/vLLM metrics) and PostgreSQL on 127.0.0.1; see packages/harness/README.md.`;

function fail(message: string, code = 2): never {
  process.stderr.write(`[harness] error: ${message}\n`);
  process.exit(code);
}

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 6)) {
  fail(
    `Node ${process.versions.node} cannot run .ts files; use the pinned Node 22: source scripts/lib/toolchain.sh && maas_use_node`,
  );
}

const argv = process.argv.slice(2);
const mode = argv[0];
if (mode !== 'up' && mode !== 'run') {
  process.stderr.write(`${USAGE}\n`);
  process.exit(
    mode === undefined || mode === '-h' || mode === '--help' || mode === 'help'
      ? 0
      : 2,
  );
}
let seed: number | undefined;
let command: string[] = [];
for (let i = 1; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--') {
    command = argv.slice(i + 1);
    break;
  } else if (a === '--seed') {
    seed = Number(argv[++i]);
    if (!Number.isInteger(seed)) fail('--seed needs an integer');
  } else if (mode === 'run' && !a.startsWith('-')) {
    command = argv.slice(i);
    break;
  } else {
    fail(`unknown argument ${a}\n${USAGE}`);
  }
}
if (mode === 'run' && command.length === 0)
  fail(`run needs a command after --\n${USAGE}`);

const harness = new Harness({
  seed,
  log: stderrLogger,
  liveMetrics: mode === 'up',
});
let child: ManagedProcess | undefined;
let exiting = false;

/** Grace period for the command after a forwarded Ctrl-C/SIGTERM, before it gets SIGTERM and then SIGKILL. */
const COMMAND_GRACE_MS = 10000;

async function shutdown(
  code: number,
  commandSignalled = false,
): Promise<never> {
  if (!exiting) {
    exiting = true;
    try {
      if (child && !child.exit) {
        if (commandSignalled)
          await Promise.race([child.exited, sleep(COMMAND_GRACE_MS)]);
        await child.stop(5000);
      }
      await harness.stop();
    } catch (e) {
      stderrLogger(
        `error while stopping: ${e instanceof Error ? e.message : e}`,
      );
      harness.killNow();
    }
    process.exit(code);
  }
  return new Promise<never>(() => undefined);
}

let signals = 0;
function onSignal(sig: NodeJS.Signals): void {
  signals++;
  const code = 128 + os.constants.signals[sig];
  if (signals > 1) {
    stderrLogger(`${sig} again: killing everything now`);
    harness.killNow();
    child?.killNow();
    process.exit(code);
  }
  stderrLogger(
    `${sig}: stopping${
      child && !child.exit ? ' the command, then' : ''
    } the harness`,
  );
  const forward = !!child && !child.exit;
  if (forward) child!.signal(sig);
  void shutdown(code, forward);
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
  process.on(sig, onSignal);
process.on('exit', () => {
  child?.killNow();
  harness.killNow();
});
process.on('uncaughtException', e => {
  stderrLogger(`error: ${e.stack ?? e}`);
  void shutdown(1);
});
process.on('unhandledRejection', e => {
  stderrLogger(`error: ${e instanceof Error ? e.stack ?? e.message : e}`);
  void shutdown(1);
});

async function main(): Promise<void> {
  try {
    await harness.start();
  } catch (e) {
    if (!exiting) {
      stderrLogger(`error: ${e instanceof Error ? e.message : e}`);
      await shutdown(1);
    }
    await new Promise(() => undefined);
  }

  if (mode === 'up') {
    const lines = Object.entries(harness.env).map(
      ([k, v]) => `export ${k}='${v}'`,
    );
    process.stdout.write(`${lines.join('\n')}\n`);
    stderrLogger(
      `environment also in ${harness.dir}/env.sh (source it in another shell). Ctrl-C stops everything.`,
    );
    const why = await harness.crashed();
    stderrLogger(`error: ${why}`);
    await shutdown(1);
  } else {
    const [cmd, ...args] = command;
    const started = Date.now();
    stderrLogger(`running: ${command.join(' ')}`);
    try {
      child = spawnManaged('command', cmd, args, {
        log: 'inherit',
        env: { ...process.env, ...harness.env },
        installHint: 'Check the command name and PATH.',
      });
    } catch (e) {
      stderrLogger(`error: ${e instanceof Error ? e.message : e}`);
      await shutdown(127);
    }
    const outcome = await Promise.race([
      child!.exited.then(exit => ({ exit })),
      harness.crashed().then(why => ({ crash: why })),
    ]);
    if ('crash' in outcome) {
      stderrLogger(`error: ${outcome.crash}`);
      await shutdown(1);
    } else {
      const { exit } = outcome;
      const code =
        exit.code ??
        128 + (exit.signal ? os.constants.signals[exit.signal] ?? 15 : 1);
      stderrLogger(
        `command exited with ${exit.signal ?? code} after ${(
          (Date.now() - started) /
          1000
        ).toFixed(1)} s`,
      );
      await shutdown(code);
    }
  }
}

void main();
