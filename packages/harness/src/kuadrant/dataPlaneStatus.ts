/*
 * The statuses that Istio's gateway controller, authorino-operator and limitador-operator would write, which
 * kuadrant-operator waits for before it calls a policy Enforced. The harness runs none of them (no Envoy, no
 * Deployments), so it writes these itself. Pure: each function returns the status to write, or undefined
 * when the object is not one the harness plays for or already says so.
 */
import { ISTIO_CONTROLLER } from './kubeObjects.ts';
import type { KubeObject } from './kubeObjects.ts';

const GATEWAY_API = 'gateway.networking.k8s.io';
const MESSAGE = 'played by the MaaS test harness (no data plane runs)';

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

/** Conditions set True; an existing True condition keeps its lastTransitionTime. */
export function trueConditions(
  types: Array<[type: string, reason: string]>,
  existing: Condition[] | undefined,
  now: string,
  generation?: number,
): Condition[] {
  return types.map(([type, reason]) => {
    const old = existing?.find(c => c.type === type);
    return {
      type,
      status: 'True',
      reason,
      message: MESSAGE,
      lastTransitionTime: old?.status === 'True' ? old.lastTransitionTime : now,
      ...(generation === undefined ? {} : { observedGeneration: generation }),
    };
  });
}

/** JSON with sorted keys, for comparing what the server returns with what we would write. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );
}

/** `desired` when one of its keys differs from `current`, else undefined. */
function ifChanged<T extends Record<string, unknown>>(
  current: Record<string, unknown> | undefined,
  desired: T,
): T | undefined {
  const differs = Object.keys(desired).some(
    k => canonical(current?.[k]) !== canonical(desired[k]),
  );
  return differs ? desired : undefined;
}

export function isIstioClass(gatewayClass: KubeObject): boolean {
  return gatewayClass.spec?.controllerName === ISTIO_CONTROLLER;
}

export function gatewayClassStatus(
  gatewayClass: KubeObject,
  now: string,
): Record<string, unknown> | undefined {
  if (!isIstioClass(gatewayClass)) return undefined;
  return ifChanged(gatewayClass.status, {
    conditions: trueConditions(
      [['Accepted', 'Accepted']],
      gatewayClass.status?.conditions,
      now,
      gatewayClass.metadata.generation,
    ),
  });
}

interface ParentRef {
  group?: string;
  kind?: string;
  namespace?: string;
  name: string;
  sectionName?: string;
}

/** Whether a route's parentRef names this Gateway (Gateway API defaults: group, kind, the route's namespace). */
export function refersTo(
  ref: ParentRef,
  route: KubeObject,
  gateway: KubeObject,
): boolean {
  return (
    (ref.group ?? GATEWAY_API) === GATEWAY_API &&
    (ref.kind ?? 'Gateway') === 'Gateway' &&
    (ref.namespace ?? route.metadata.namespace) ===
      gateway.metadata.namespace &&
    ref.name === gateway.metadata.name
  );
}

export function gatewayStatus(
  gateway: KubeObject,
  istioClasses: Set<string>,
  routes: KubeObject[],
  now: string,
): Record<string, unknown> | undefined {
  if (!istioClasses.has(gateway.spec?.gatewayClassName)) return undefined;
  const generation = gateway.metadata.generation;
  const oldListeners: any[] = gateway.status?.listeners ?? [];
  const listeners = (gateway.spec?.listeners ?? []).map((l: any) => ({
    name: l.name,
    supportedKinds: [{ group: GATEWAY_API, kind: 'HTTPRoute' }],
    attachedRoutes: routes.filter(r =>
      (r.spec?.parentRefs ?? []).some(
        (ref: ParentRef) =>
          refersTo(ref, r, gateway) &&
          (ref.sectionName === undefined || ref.sectionName === l.name),
      ),
    ).length,
    conditions: trueConditions(
      [
        ['Accepted', 'Accepted'],
        ['Programmed', 'Programmed'],
        ['ResolvedRefs', 'ResolvedRefs'],
      ],
      oldListeners.find(o => o.name === l.name)?.conditions,
      now,
      generation,
    ),
  }));
  return ifChanged(gateway.status, {
    conditions: trueConditions(
      [
        ['Accepted', 'Accepted'],
        ['Programmed', 'Programmed'],
      ],
      gateway.status?.conditions,
      now,
      generation,
    ),
    listeners,
  });
}

/** One parent status per parentRef that names an Istio-class Gateway, the parentRef copied verbatim. */
export function httpRouteStatus(
  route: KubeObject,
  istioGateways: KubeObject[],
  now: string,
): Record<string, unknown> | undefined {
  const old: any[] = route.status?.parents ?? [];
  const ours = (route.spec?.parentRefs ?? [])
    .filter((ref: ParentRef) =>
      istioGateways.some(g => refersTo(ref, route, g)),
    )
    .map((ref: ParentRef) => ({
      parentRef: ref,
      controllerName: ISTIO_CONTROLLER,
      conditions: trueConditions(
        [
          ['Accepted', 'Accepted'],
          ['ResolvedRefs', 'ResolvedRefs'],
        ],
        old.find(
          p =>
            p.controllerName === ISTIO_CONTROLLER &&
            canonical(p.parentRef) === canonical(ref),
        )?.conditions,
        now,
        route.metadata.generation,
      ),
    }));
  if (ours.length === 0) return undefined;
  const others = old.filter(p => p.controllerName !== ISTIO_CONTROLLER);
  return ifChanged(route.status, { parents: [...others, ...ours] });
}

/** authorino-operator's Ready (its own condition type, without observedGeneration). */
export function authorinoStatus(
  authorino: KubeObject,
  now: string,
): Record<string, unknown> | undefined {
  return ifChanged(authorino.status, {
    conditions: trueConditions(
      [['Ready', 'Provisioned']],
      authorino.status?.conditions,
      now,
    ),
  });
}

/** The Service limitador-operator would create for a Limitador CR. */
export function limitadorService(limitador: KubeObject) {
  return {
    host: `limitador-${limitador.metadata.name}.${limitador.metadata.namespace}.svc.cluster.local`,
    ports: { http: 8080, grpc: 8081 },
  };
}

/** Ready for the current generation, so every change of spec.limits is answered by a new status. */
export function limitadorStatus(
  limitador: KubeObject,
  now: string,
): Record<string, unknown> | undefined {
  const generation = limitador.metadata.generation;
  return ifChanged(limitador.status, {
    observedGeneration: generation,
    conditions: trueConditions(
      [['Ready', 'Ready']],
      limitador.status?.conditions,
      now,
      generation,
    ),
    service: limitadorService(limitador),
  });
}
