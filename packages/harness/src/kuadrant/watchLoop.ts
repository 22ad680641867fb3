/*
 * The loop of the harness's small controllers (the data plane's statuses, the data plane itself): watch some
 * kinds and, on any change and every few seconds, run one reconcile round. Rounds never overlap; a change
 * during a round runs one more. A round's error goes to the log and the next event or resync tries again.
 */
import fs from 'node:fs';
import { Watch } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import { collectionPath } from './kubeObjects.ts';
import type { Kind } from './kubeObjects.ts';

export class WatchLoop {
  private watches: AbortController[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  // Fields assigned by hand: Node's type stripping (which runs the harness) has no parameter properties.
  private readonly kc: KubeConfig;
  private readonly kinds: Kind[];
  private readonly logFile: string;
  private readonly round: () => Promise<void>;
  private readonly resyncMs: number;

  constructor(
    kc: KubeConfig,
    kinds: Kind[],
    logFile: string,
    round: () => Promise<void>,
    resyncMs = 5000,
  ) {
    this.kc = kc;
    this.kinds = kinds;
    this.logFile = logFile;
    this.round = round;
    this.resyncMs = resyncMs;
  }

  log(message: string): void {
    try {
      fs.appendFileSync(
        this.logFile,
        `${new Date().toISOString()} ${message}\n`,
      );
    } catch {
      // The harness dir is gone: the harness is stopping.
    }
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  async start(): Promise<void> {
    await Promise.all(this.kinds.map(k => this.watch(k)));
    this.timer = setInterval(() => this.trigger(), this.resyncMs);
    this.timer.unref();
    await this.trigger();
  }

  private async watch(kind: Kind): Promise<void> {
    if (this.stopped) return;
    const restart = (err: unknown) => {
      if (this.stopped) return;
      if (err) this.log(`watch ${kind.plural} ended: ${String(err)}`);
      setTimeout(() => void this.watch(kind), 1000).unref();
    };
    try {
      const controller = await new Watch(this.kc).watch(
        collectionPath(kind),
        {},
        () => void this.trigger(),
        restart,
      );
      this.watches.push(controller);
    } catch (e) {
      restart(e);
    }
  }

  /** Runs a round now, or once more after the running one. Resolves when the round that covers this call ends. */
  trigger(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.round();
        } catch (e) {
          this.log(`round failed: ${e instanceof Error ? e.message : e}`);
        }
      } while (this.again && !this.stopped);
      this.running = undefined;
    })();
    return this.running;
  }

  /** Another round soon (a write conflicted, or a process became ready). */
  retrySoon(ms = 200): void {
    setTimeout(() => void this.trigger(), ms).unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    for (const w of this.watches) w.abort();
    await this.running;
  }
}
