/*
 * A small controller in the harness process that writes the statuses of dataPlaneStatus.ts: it watches
 * GatewayClasses, Gateways, HTTPRoutes, Authorino and Limitador CRs and, on any change (and every few
 * seconds), lists them all and patches what differs. Errors go to its log and are retried on the next round.
 */
import fs from 'node:fs';
import { Watch } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import {
  authorinoStatus,
  gatewayClassStatus,
  gatewayStatus,
  httpRouteStatus,
  isIstioClass,
  limitadorStatus,
} from './dataPlaneStatus.ts';
import {
  collectionPath,
  httpStatusOf,
  KINDS,
  listObjects,
  patchStatus,
} from './kubeObjects.ts';
import type { Kind, KubeObject } from './kubeObjects.ts';

const WATCHED: Kind[] = [
  KINDS.gatewayClass,
  KINDS.gateway,
  KINDS.httpRoute,
  KINDS.authorino,
  KINDS.limitador,
];
const RESYNC_MS = 5000;

export class DataPlaneStandIn {
  private readonly kc: KubeConfig;
  private readonly logFile: string;
  private watches: AbortController[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  /** Status patches written so far (for tests and the log). */
  patches = 0;

  constructor(kc: KubeConfig, logFile: string) {
    this.kc = kc;
    this.logFile = logFile;
  }

  private log(message: string): void {
    try {
      fs.appendFileSync(
        this.logFile,
        `${new Date().toISOString()} ${message}\n`,
      );
    } catch {
      // The harness dir is gone: the harness is stopping.
    }
  }

  async start(): Promise<void> {
    await Promise.all(WATCHED.map(k => this.watch(k)));
    this.timer = setInterval(() => this.trigger(), RESYNC_MS);
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

  private async round(): Promise<void> {
    const [classes, gateways, routes, authorinos, limitadors] =
      await Promise.all(WATCHED.map(k => listObjects(this.kc, k)));
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const istioClasses = new Set(
      classes.filter(isIstioClass).map(c => c.metadata.name),
    );
    const istioGateways = gateways.filter(g =>
      istioClasses.has(g.spec?.gatewayClassName),
    );
    const writes: Array<[Kind, KubeObject, unknown]> = [];
    const add = (kind: Kind, obj: KubeObject, status: unknown) => {
      if (status) writes.push([kind, obj, status]);
    };
    for (const c of classes)
      add(KINDS.gatewayClass, c, gatewayClassStatus(c, now));
    for (const g of gateways)
      add(KINDS.gateway, g, gatewayStatus(g, istioClasses, routes, now));
    for (const r of routes)
      add(KINDS.httpRoute, r, httpRouteStatus(r, istioGateways, now));
    for (const a of authorinos)
      add(KINDS.authorino, a, authorinoStatus(a, now));
    for (const l of limitadors)
      add(KINDS.limitador, l, limitadorStatus(l, now));
    await Promise.all(
      writes.map(async ([kind, obj, status]) => {
        const what = `${kind.kind} ${obj.metadata.namespace ?? ''}/${
          obj.metadata.name
        }`;
        try {
          await patchStatus(this.kc, kind, obj, status);
          this.patches++;
          this.log(
            `patched status of ${what} (generation ${obj.metadata.generation})`,
          );
        } catch (e) {
          // Changed since it was read (409): read it again soon. Deleted or refused: the next event or resync.
          if (httpStatusOf(e) === 409) this.retrySoon();
          this.log(
            `patching ${what} failed: ${e instanceof Error ? e.message : e}`,
          );
        }
      }),
    );
  }

  private retrySoon(): void {
    setTimeout(() => void this.trigger(), 200).unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    for (const w of this.watches) w.abort();
    await this.running;
  }
}
