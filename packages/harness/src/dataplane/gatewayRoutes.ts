/*
 * The routing table the harness's gateway (go/gateway) proxies by, built as Istio would from the HTTPRoutes
 * attached to its Gateways: hostnames, each rule's path matches and its backends. A backendRef names a
 * Service; here the only Services that have something behind them are the predictors of InferenceServices
 * (modelServers.ts plays KServe), so a backend is resolved by `resolveBackend` or left out (the gateway then
 * answers 503 "no healthy upstream", as Envoy does for a cluster without endpoints). Pure.
 */
import type { KubeObject } from '../kuadrant/kubeObjects.ts';

export interface RoutesFile {
  routes: Array<{
    namespace: string;
    name: string;
    hostnames: string[];
    rules: Array<{
      matches: Array<{ path: { type: string; value: string } }>;
      backends: string[];
    }>;
  }>;
}

/** The URL of what serves `<namespace>/<service>:<port>`, or undefined when nothing does. */
export type BackendResolver = (
  namespace: string,
  service: string,
  port: number | undefined,
) => string | undefined;

const DEFAULT_MATCH = { path: { type: 'PathPrefix', value: '/' } };

/** Whether the route is attached to one of `gateways` (`<namespace>/<name>`) and accepted by it. */
function attachedTo(route: KubeObject, gateways: Set<string>): boolean {
  const ns = route.metadata.namespace ?? '';
  return (route.spec?.parentRefs ?? []).some((p: any) => {
    if ((p.kind ?? 'Gateway') !== 'Gateway') return false;
    return gateways.has(`${p.namespace ?? ns}/${p.name}`);
  });
}

export function buildRoutesFile(
  routes: KubeObject[],
  gateways: KubeObject[],
  resolveBackend: BackendResolver,
): RoutesFile {
  const gatewayKeys = new Set(
    gateways.map(g => `${g.metadata.namespace}/${g.metadata.name}`),
  );
  const gatewayHostnames = gateways.flatMap(g =>
    (g.spec?.listeners ?? []).map((l: any) => l.hostname).filter(Boolean),
  );
  const out: RoutesFile = { routes: [] };
  for (const route of routes) {
    if (!attachedTo(route, gatewayKeys)) continue;
    const ns = route.metadata.namespace ?? 'default';
    const hostnames: string[] = route.spec?.hostnames?.length
      ? route.spec.hostnames
      : gatewayHostnames;
    out.routes.push({
      namespace: ns,
      name: route.metadata.name,
      hostnames,
      rules: (route.spec?.rules ?? []).map((rule: any) => ({
        matches: (rule.matches?.length ? rule.matches : [DEFAULT_MATCH]).map(
          (m: any) => ({
            path: {
              type: m.path?.type ?? 'PathPrefix',
              value: m.path?.value ?? '/',
            },
          }),
        ),
        backends: (rule.backendRefs ?? [])
          .filter((b: any) => (b.kind ?? 'Service') === 'Service' && !b.group)
          .map((b: any) => resolveBackend(b.namespace ?? ns, b.name, b.port))
          .filter((u: string | undefined): u is string => !!u),
      })),
    });
  }
  // Stable order, so the file (and its hash) changes only when the routing does.
  out.routes.sort((a, b) =>
    `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`),
  );
  return out;
}
