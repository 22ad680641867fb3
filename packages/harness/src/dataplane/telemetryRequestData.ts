/*
 * What the harness plays of Kuadrant 1.3's TelemetryPolicy (kuadrant-operator v1.2.0, which the harness runs,
 * does not know it): a policy on a Gateway names metric labels (`spec.metrics.default.labels`: label -> CEL);
 * kuadrant-operator 1.3 puts them into that Gateway's WasmPlugin config as `requestData`, and wasm-shim sends
 * the string ones as a second descriptor on each rate-limit call, which Limitador (started with
 * `--metric-labels-default=descriptors[1]`) turns into labels of its metrics. The harness merges every
 * WasmPlugin into one config, so the labels go to the gateway in a file of their own (`--request-data`), per
 * Gateway with the names of its WasmPlugin's action sets. Pure.
 */
import type { KubeObject } from '../kuadrant/kubeObjects.ts';
import { isKuadrantWasmPlugin } from './wasmPluginConfig.ts';

export interface RequestDataFile {
  gateways: Array<{
    /** `<namespace>/<name>`. */
    gateway: string;
    /** The action sets of the Gateway's WasmPlugin: the requests the labels apply to. */
    actionSets: string[];
    /** Metric label name -> CEL expression. */
    labels: Record<string, string>;
  }>;
}

const GATEWAY_API = 'gateway.networking.k8s.io';
/** What Limitador can export a descriptor entry as: a Prometheus label name. */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const keyOf = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;

/**
 * The labels a TelemetryPolicy gives its Gateway, or the reason it gives none (naming the field at fault).
 * The CRD already refuses another target kind; the checks here keep a hand-made object from slipping by.
 */
function policyLabels(
  policy: KubeObject,
): { gateway: string; labels: Record<string, string> } | { error: string } {
  const at = (field: string, why: string) => ({
    error: `TelemetryPolicy ${keyOf(policy)}: ${field}: ${why}`,
  });
  const ref = policy.spec?.targetRef ?? {};
  if (ref.group !== GATEWAY_API || ref.kind !== 'Gateway')
    return at(
      'spec.targetRef',
      `targets ${ref.group}/${ref.kind}; only a ${GATEWAY_API} Gateway is supported`,
    );
  if (typeof ref.name !== 'string' || ref.name === '')
    return at('spec.targetRef.name', 'missing');
  if (ref.sectionName !== undefined)
    return at(
      'spec.targetRef.sectionName',
      'a listener section is not supported by the harness (its one gateway serves all listeners)',
    );
  const labels = policy.spec?.metrics?.default?.labels;
  if (!labels || typeof labels !== 'object' || Array.isArray(labels))
    return at('spec.metrics.default.labels', 'missing: no metric labels');
  const entries = Object.entries(labels);
  if (entries.length === 0)
    return at('spec.metrics.default.labels', 'empty: no metric labels');
  for (const [name, expression] of entries) {
    if (!LABEL_NAME.test(name))
      return at(
        `spec.metrics.default.labels.${name}`,
        'not a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)',
      );
    if (typeof expression !== 'string' || expression.trim() === '')
      return at(
        `spec.metrics.default.labels.${name}`,
        'must be a non-empty CEL expression',
      );
  }
  return {
    gateway: `${policy.metadata.namespace}/${ref.name}`,
    labels: labels as Record<string, string>,
  };
}

/** The Gateway (`<namespace>/<name>`) a Kuadrant WasmPlugin belongs to: its Gateway targetRef, else its name. */
function pluginGateway(plugin: KubeObject): string {
  const ref = (plugin.spec?.targetRefs ?? []).find(
    (r: any) =>
      r?.kind === 'Gateway' && (r.group ?? GATEWAY_API) === GATEWAY_API,
  );
  const name = ref?.name ?? plugin.metadata.name.replace(/^kuadrant-/, '');
  return `${plugin.metadata.namespace}/${name}`;
}

/**
 * The `--request-data` file from the TelemetryPolicies and WasmPlugins that exist now (a deleted policy's
 * labels are gone at the next round), and the errors of the policies left out. Two policies on one Gateway
 * add up; where both name a label, the older one's expression stays (creation time, then name).
 */
export function buildRequestDataFile(
  policies: KubeObject[],
  plugins: KubeObject[],
): { file: RequestDataFile; errors: string[] } {
  const errors: string[] = [];
  const byGateway = new Map<string, Record<string, string>>();
  const owners = new Map<string, string>();
  const ordered = [...policies].sort(
    (a: any, b: any) =>
      String(a.metadata.creationTimestamp ?? '').localeCompare(
        String(b.metadata.creationTimestamp ?? ''),
      ) || keyOf(a).localeCompare(keyOf(b)),
  );
  for (const policy of ordered) {
    const found = policyLabels(policy);
    if ('error' in found) {
      errors.push(found.error);
      continue;
    }
    const labels = byGateway.get(found.gateway) ?? {};
    for (const [name, expression] of Object.entries(found.labels)) {
      const owner = owners.get(`${found.gateway}\u0000${name}`);
      if (owner && labels[name] !== expression) {
        errors.push(
          `TelemetryPolicy ${keyOf(
            policy,
          )}: spec.metrics.default.labels.${name}: ` +
            `Gateway ${found.gateway} already has this label from TelemetryPolicy ${owner}; keeping that one`,
        );
        continue;
      }
      labels[name] = expression;
      owners.set(`${found.gateway}\u0000${name}`, keyOf(policy));
    }
    byGateway.set(found.gateway, labels);
  }
  const actionSets = new Map<string, string[]>();
  for (const plugin of plugins.filter(isKuadrantWasmPlugin)) {
    const gateway = pluginGateway(plugin);
    actionSets.set(gateway, [
      ...(actionSets.get(gateway) ?? []),
      ...(plugin.spec.pluginConfig.actionSets ?? [])
        .map((a: { name?: string }) => a.name)
        .filter((n: unknown): n is string => typeof n === 'string' && n !== ''),
    ]);
  }
  return {
    file: {
      gateways: [...byGateway]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([gateway, labels]) => ({
          gateway,
          actionSets: [...(actionSets.get(gateway) ?? [])].sort(),
          labels: Object.fromEntries(
            Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)),
          ),
        })),
    },
    errors,
  };
}
