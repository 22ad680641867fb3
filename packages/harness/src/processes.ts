/*
 * Child processes of the harness. Each runs in its own process group (spawned detached, so Ctrl-C in a
 * terminal reaches only the harness, which then stops them in order). Each is wrapped in
 * `setpriv --pdeathsig` so that it is signalled even if the harness itself is killed with SIGKILL.
 * Stopping: the stop signal to the whole group, then SIGKILL to the group after a grace period.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { sleep } from './waitFor.ts';

export class MissingBinaryError extends Error {}

export interface SpawnOptions {
  /** Log file for stdout and stderr; 'inherit' to share the harness's terminal. */
  log: string | 'inherit';
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Signal that stops it cleanly (postgres: SIGINT = fast shutdown). Default SIGTERM. */
  stopSignal?: NodeJS.Signals;
  /** Run as this user (only when the harness runs as root). */
  user?: string;
  /** How to install the binary (a `bash ...` command, or a sentence), for the error message when it is missing. */
  installHint: string;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class ManagedProcess {
  name: string;
  command: string;
  pid: number;
  child: ChildProcess;
  log: string | 'inherit';
  stopSignal: NodeJS.Signals;
  exit: ExitInfo | undefined;
  exited: Promise<ExitInfo>;
  stopping = false;
  /** Starts the same command again (same arguments, ports, log): for fault drills (control.ts). */
  respawn: () => ManagedProcess = () => {
    throw new Error(`${this.name} cannot be started again`);
  };

  constructor(
    name: string,
    command: string,
    child: ChildProcess,
    log: string | 'inherit',
    stopSignal: NodeJS.Signals,
  ) {
    this.name = name;
    this.command = command;
    this.child = child;
    this.pid = child.pid ?? 0;
    this.log = log;
    this.stopSignal = stopSignal;
    this.exited = new Promise(resolve => {
      child.on('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
      child.on('error', err => {
        this.exit = { code: 127, signal: null };
        if (log !== 'inherit')
          fs.appendFileSync(log, `\n[harness] spawn error: ${err.message}\n`);
        resolve(this.exit);
      });
    });
  }

  /** A message when the process is gone, for aborting readiness waits. */
  deadMessage(): string | undefined {
    if (!this.exit) return undefined;
    const how = this.exit.signal
      ? `signal ${this.exit.signal}`
      : `code ${this.exit.code}`;
    const tail =
      this.log === 'inherit'
        ? ''
        : `; last lines of ${this.log}:\n${tailFile(this.log)}`;
    return `${this.name} exited with ${how}${tail}`;
  }

  private signalGroup(signal: NodeJS.Signals): boolean {
    if (!this.pid) return false;
    try {
      process.kill(-this.pid, signal);
      return true;
    } catch {
      return false;
    }
  }

  /** Sends a signal to the process group (e.g. forwarding Ctrl-C). */
  signal(signal: NodeJS.Signals): void {
    this.signalGroup(signal);
  }

  /** Stops the whole group: stop signal, then SIGKILL after graceMs. */
  async stop(graceMs = 5000): Promise<void> {
    this.stopping = true;
    if (!this.exit) {
      this.signalGroup(this.stopSignal);
      const done = await Promise.race([
        this.exited.then(() => true),
        sleep(graceMs).then(() => false),
      ]);
      if (!done) {
        this.signalGroup('SIGKILL');
        await Promise.race([this.exited, sleep(2000)]);
      }
    }
    // Members of the group that outlived the leader.
    if (this.signalGroup('SIGKILL')) await sleep(50);
  }

  /** Last-resort synchronous kill (process 'exit' handler). */
  killNow(): void {
    this.signalGroup('SIGKILL');
  }
}

let setprivPath: string | undefined | null = null;

/** Starts `command args` in its own process group, its output appended to options.log. */
export function spawnManaged(
  name: string,
  command: string,
  args: string[],
  options: SpawnOptions,
): ManagedProcess {
  const resolved = findExecutable(command);
  if (!resolved) {
    const hint = options.installHint.startsWith('bash ')
      ? `Install it with: ${options.installHint}`
      : options.installHint;
    throw new MissingBinaryError(`${name}: '${command}' not found. ${hint}`);
  }
  if (setprivPath === null) setprivPath = findExecutable('setpriv');
  let file = resolved;
  let argv = args;
  if (setprivPath) {
    const wrap: string[] = [];
    if (options.user && process.getuid?.() === 0) {
      wrap.push(
        '--reuid',
        options.user,
        '--regid',
        options.user,
        '--init-groups',
      );
    }
    // Set after the uid change (which would clear it): the kernel signals the child if the harness dies.
    wrap.push(
      '--pdeathsig',
      (options.stopSignal ?? 'SIGTERM').replace(/^SIG/, ''),
      '--',
      resolved,
    );
    file = setprivPath;
    argv = [...wrap, ...args];
  } else if (options.user && process.getuid?.() === 0) {
    throw new MissingBinaryError(
      `${name}: 'setpriv' (util-linux) is needed to run ${command} as ${options.user}`,
    );
  }
  let stdio: 'inherit' | ['ignore', number, number];
  let fd: number | undefined;
  if (options.log === 'inherit') {
    stdio = 'inherit';
  } else {
    fd = fs.openSync(options.log, 'a');
    stdio = ['ignore', fd, fd];
  }
  try {
    const child = spawn(file, argv, {
      stdio,
      env: options.env ?? process.env,
      cwd: options.cwd,
      detached: true,
    });
    const managed = new ManagedProcess(
      name,
      resolved,
      child,
      options.log,
      options.stopSignal ?? 'SIGTERM',
    );
    managed.respawn = () => spawnManaged(name, command, args, options);
    return managed;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Runs a command to completion (output to log); rejects with the log's tail on failure. */
export async function runToCompletion(
  name: string,
  command: string,
  args: string[],
  options: SpawnOptions,
): Promise<void> {
  const p = spawnManaged(name, command, args, options);
  const exit = await p.exited;
  if (exit.code !== 0) {
    throw new Error(p.deadMessage() ?? `${name} failed`);
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

/** The last lines of a server's log, for the message when it dies. */
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
