import {
  apiVersionOf,
  HTTP_ROUTE,
  HTTPRoute,
} from '@maas-portal/plugin-maas-node';
import { ModelObjectApi } from './ModelObjectApi';

/** Whether the route attaches to the Gateway `gateway` (a parentRef without namespace means its own). */
function attachesTo(
  route: HTTPRoute,
  gateway: { name: string; namespace: string },
) {
  return (route.spec?.parentRefs ?? []).some(
    ref =>
      (ref.kind ?? 'Gateway') === 'Gateway' &&
      ref.name === gateway.name &&
      (ref.namespace ?? route.metadata.namespace) === gateway.namespace,
  );
}

/**
 * Why the routes' host names are taken: another HTTPRoute attached to the same Gateway already
 * serves one of them. Names that route. Reads every namespace's HTTPRoutes with `api`.
 */
export async function takenHosts(
  api: ModelObjectApi,
  routes: HTTPRoute[],
): Promise<string[]> {
  if (routes.length === 0) return [];
  const existing = (await api.list(apiVersionOf(HTTP_ROUTE), HTTP_ROUTE.kind))
    .items as unknown as HTTPRoute[];
  const problems: string[] = [];
  for (const route of routes) {
    const self = `${route.metadata.namespace}/${route.metadata.name}`;
    for (const ref of route.spec?.parentRefs ?? []) {
      const gateway = {
        name: ref.name,
        namespace: ref.namespace ?? route.metadata.namespace ?? '',
      };
      for (const other of existing) {
        const id = `${other.metadata.namespace}/${other.metadata.name}`;
        if (id === self || !attachesTo(other, gateway)) continue;
        for (const host of route.spec?.hostnames ?? []) {
          if ((other.spec?.hostnames ?? []).includes(host)) {
            problems.push(
              `hostname "${host}" is already served by HTTPRoute ${id} on Gateway ${gateway.namespace}/${gateway.name}; choose another host name`,
            );
          }
        }
      }
    }
  }
  return problems;
}
