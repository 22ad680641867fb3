/*
 * A small controller in the harness process that writes the statuses of dataPlaneStatus.ts: it watches
 * GatewayClasses, Gateways, HTTPRoutes, Authorino and Limitador CRs and, on any change (and every few
 * seconds), lists them all and patches what differs. Errors go to its log and are retried on the next round.
 */
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
  httpStatusOf,
  KINDS,
  listObjects,
  patchStatus,
} from './kubeObjects.ts';
import type { Kind, KubeObject } from './kubeObjects.ts';
import { WatchLoop } from './watchLoop.ts';

const WATCHED: Kind[] = [
  KINDS.gatewayClass,
  KINDS.gateway,
  KINDS.httpRoute,
  KINDS.authorino,
  KINDS.limitador,
];

export class DataPlaneStandIn {
  private readonly kc: KubeConfig;
  private readonly loop: WatchLoop;
  /** Status patches written so far (for tests and the log). */
  patches = 0;

  constructor(kc: KubeConfig, logFile: string) {
    this.kc = kc;
    this.loop = new WatchLoop(kc, WATCHED, logFile, () => this.round());
  }

  private log(message: string): void {
    this.loop.log(message);
  }

  start(): Promise<void> {
    return this.loop.start();
  }

  /** Runs a round now, or once more after the running one. Resolves when the round that covers this call ends. */
  trigger(): Promise<void> {
    return this.loop.trigger();
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
    this.loop.retrySoon();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }
}
