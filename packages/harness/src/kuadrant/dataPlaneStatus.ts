/*
 * The statuses that Istio's gateway controller, authorino-operator and limitador-operator would write, which
 * kuadrant-operator waits for before it calls a policy Enforced. The harness runs none of them (no Envoy, no
 * Deployments), so it writes these itself. Pure: each function returns the status to write, or undefined
 * when the object is not one the harness plays for or already has a report for its current generation.
 * Like a real controller it reports once per generation and never argues with a report it finds: a test can
 * write a failing status (a route not Accepted) and it stays until the object's spec changes.
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

/**
 * `types` set True (an existing True condition keeps its lastTransitionTime), followed by the existing
 * conditions of other types, such as the `kuadrant.io/AuthPolicyAffected` that kuadrant-operator adds to
 * Gateways: a merge patch replaces the whole list.
 */
export function trueConditions(
  types: Array<[type: string, reason: string]>,
  existing: Condition[] | undefined,
  now: string,
  generation?: number,
): Condition[] {
  const ours: Condition[] = types.map(([type, reason]) => {
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
  const others = (existing ?? []).filter(
    c => !types.some(([type]) => type === c.type),
  );
  return [...ours, ...others];
}

/** A status of `object` with its own conditions of `types` set True, as `trueConditions` does. */
function ownTrueConditions(
  object: KubeObject,
  types: Array<[type: string, reason: string]>,
  now: string,
  generation?: number,
): { conditions: Condition[] } {
  return {
    conditions: trueConditions(
      types,
      object.status?.conditions,
      now,
      generation,
    ),
  };
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

/** A condition of `type` reported for this generation (one without observedGeneration counts as current). */
export function reported(
  conditions: Condition[] | undefined,
  type: string,
  generation: number | undefined,
): boolean {
  const c = conditions?.find(x => x.type === type);
  return (
    !!c &&
    (c.observedGeneration === undefined ||
      generation === undefined ||
      c.observedGeneration >= generation)
  );
}

export function isIstioClass(gatewayClass: KubeObject): boolean {
  return gatewayClass.spec?.controllerName === ISTIO_CONTROLLER;
}

/** The status a stand-in controller writes for an object, or undefined when the one it has is current. */
export type StatusWriter = (
  object: KubeObject,
  now: string,
) => Record<string, unknown> | undefined;

export const gatewayClassStatus: StatusWriter = (gatewayClass, now) => {
  const generation = gatewayClass.metadata.generation;
  if (
    !isIstioClass(gatewayClass) ||
    reported(gatewayClass.status?.conditions, 'Accepted', generation)
  )
    return undefined;
  return ownTrueConditions(
    gatewayClass,
    [['Accepted', 'Accepted']],
    now,
    generation,
  );
};

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
  const specListeners: any[] = gateway.spec?.listeners ?? [];
  const current =
    reported(gateway.status?.conditions, 'Programmed', generation) &&
    specListeners.every(l =>
      reported(
        oldListeners.find(o => o.name === l.name)?.conditions,
        'Programmed',
        generation,
      ),
    );
  if (current) return undefined;
  const listeners = specListeners.map(l => ({
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
  return {
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
  };
}

/**
 * One parent status per parentRef that names an Istio-class Gateway, the parentRef copied verbatim. An entry
 * of the Istio controller already there for that Gateway and this generation is kept as it is; entries of
 * other controllers are kept too.
 */
export function httpRouteStatus(
  route: KubeObject,
  istioGateways: KubeObject[],
  now: string,
): Record<string, unknown> | undefined {
  const generation = route.metadata.generation;
  const old: any[] = route.status?.parents ?? [];
  const sameParent = (a: ParentRef, b: ParentRef) =>
    istioGateways.some(g => refersTo(a, route, g) && refersTo(b, route, g)) &&
    a.sectionName === b.sectionName;
  const ours = (route.spec?.parentRefs ?? [])
    .filter((ref: ParentRef) =>
      istioGateways.some(g => refersTo(ref, route, g)),
    )
    .map((ref: ParentRef) => {
      const existing = old.find(
        p =>
          p.controllerName === ISTIO_CONTROLLER && sameParent(p.parentRef, ref),
      );
      if (existing && reported(existing.conditions, 'Accepted', generation))
        return existing;
      return {
        parentRef: ref,
        controllerName: ISTIO_CONTROLLER,
        conditions: trueConditions(
          [
            ['Accepted', 'Accepted'],
            ['ResolvedRefs', 'ResolvedRefs'],
          ],
          existing?.conditions,
          now,
          generation,
        ),
      };
    });
  if (ours.length === 0) return undefined;
  const others = old.filter(p => p.controllerName !== ISTIO_CONTROLLER);
  // The gateway's own entries first, as when Istio accepts a route before kuadrant-operator (whose
  // kuadrant.io/policy-controller entries carry only PolicyAffected conditions) sees it.
  const parents = [...ours, ...others];
  return canonical(parents) === canonical(old) ? undefined : { parents };
}

/** authorino-operator's Ready (its own condition type, without observedGeneration), once. */
export const authorinoStatus: StatusWriter = (authorino, now) => {
  if (reported(authorino.status?.conditions, 'Ready', undefined))
    return undefined;
  return ownTrueConditions(authorino, [['Ready', 'Provisioned']], now);
};

/** The Service limitador-operator would create for a Limitador CR. */
export function limitadorService(limitador: KubeObject) {
  return {
    host: `limitador-${limitador.metadata.name}.${limitador.metadata.namespace}.svc.cluster.local`,
    ports: { http: 8080, grpc: 8081 },
  };
}

/** Ready for each new generation, so every change of spec.limits by the operator is answered by a new status. */
export const limitadorStatus: StatusWriter = (limitador, now) => {
  const generation = limitador.metadata.generation;
  if (
    limitador.status?.observedGeneration === generation &&
    reported(limitador.status?.conditions, 'Ready', generation) &&
    limitador.status?.service
  )
    return undefined;
  return {
    observedGeneration: generation,
    ...ownTrueConditions(limitador, [['Ready', 'Ready']], now, generation),
    service: limitadorService(limitador),
  };
};
