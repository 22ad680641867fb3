/*
 * What Istio hands the gateway's wasm filter: the `pluginConfig` of the WasmPlugins kuadrant-operator wrote
 * (one per Gateway, `kuadrant-<gateway>` in its namespace). The harness runs one gateway process for every
 * Gateway, so the configs are merged: services by name, action sets in order. Which address each service's
 * `endpoint` (an EnvoyFilter cluster name) stands for is decided by its type, as the operator's EnvoyFilters
 * point the `auth` cluster at Authorino and the `ratelimit` ones at Limitador. Pure.
 */
import type { KubeObject } from '../kuadrant/kubeObjects.ts';

export interface PluginService {
  type: string;
  endpoint: string;
  failureMode?: string;
  timeout?: string;
}

export interface PluginConfig {
  services: Record<string, PluginService>;
  actionSets: Array<{
    name?: string;
    routeRuleConditions?: any;
    actions?: any[];
  }>;
  [key: string]: unknown;
}

/** The WasmPlugins kuadrant-operator manages (it labels what it writes, and names them kuadrant-<gateway>). */
export function isKuadrantWasmPlugin(plugin: KubeObject): boolean {
  return (
    plugin.metadata.name.startsWith('kuadrant-') && !!plugin.spec?.pluginConfig
  );
}

export function mergePluginConfigs(plugins: KubeObject[]): PluginConfig {
  const merged: PluginConfig = { services: {}, actionSets: [] };
  const sorted = [...plugins]
    .filter(isKuadrantWasmPlugin)
    .sort((a, b) =>
      `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(
        `${b.metadata.namespace}/${b.metadata.name}`,
      ),
    );
  for (const plugin of sorted) {
    const { services, actionSets, ...rest } = plugin.spec.pluginConfig;
    Object.assign(merged, rest);
    Object.assign(merged.services, services ?? {});
    merged.actionSets.push(...(actionSets ?? []));
  }
  return merged;
}

/** Which server plays a service type: Authorino for auth, Limitador for every rate-limit kind. */
export function serverForServiceType(
  type: string,
): 'authorino' | 'limitador' | undefined {
  if (type === 'auth') return 'authorino';
  if (type.startsWith('ratelimit')) return 'limitador';
  return undefined;
}

/**
 * The EnvoyFilter clusters kuadrant-operator v1.2.0 points its services at (`internal/kuadrant/kuadrant.go`
 * `KuadrantAuthClusterName` / `KuadrantRateLimitClusterName`): known before any policy exists, so the gateway
 * can start with them.
 */
export const OPERATOR_CLUSTERS: PluginService[] = [
  { type: 'auth', endpoint: 'kuadrant-auth-service' },
  { type: 'ratelimit', endpoint: 'kuadrant-ratelimit-service' },
];

/** `--endpoint name=address` arguments for the gateway: the operator's clusters and any other the config names. */
export function endpointArgs(
  config: PluginConfig | undefined,
  addresses: { authorino: string; limitador: string },
): string[] {
  const seen = new Map<string, string>();
  for (const service of [
    ...OPERATOR_CLUSTERS,
    ...Object.values(config?.services ?? {}),
  ]) {
    const server = serverForServiceType(service.type);
    if (server && service.endpoint)
      seen.set(service.endpoint, addresses[server]);
  }
  return [...seen]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, address]) => `--endpoint=${name}=${address}`);
}
