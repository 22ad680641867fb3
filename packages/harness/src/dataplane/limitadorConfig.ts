/*
 * What limitador-operator makes of a Limitador CR, for our Limitador server: the limits file (its ConfigMap
 * `limits.yaml`, rendered from `spec.limits` with the same snake_case fields) and the server flags the CR's
 * options turn on. Pure, so the rendering is unit-tested without a cluster.
 */
import { stringify } from 'yaml';
import type { KubeObject } from '../kuadrant/kubeObjects.ts';

/** One entry of `Limitador.spec.limits` (limitador-operator v1alpha1 `RateLimit`), as the CR stores it. */
export interface LimitadorCrLimit {
  namespace: string;
  max_value: number;
  seconds: number;
  conditions?: string[];
  variables?: string[];
  name?: string;
}

/**
 * The limits file limitador-operator writes for the CR: every limit with `namespace`, `max_value`, `seconds`,
 * `conditions` and `variables` (empty lists when absent), and `name` only where the CR has one (kuadrant-operator
 * v1.2.0 writes none; v1.3 names each limit after its key in the policy).
 */
export function renderLimitsFile(limitador: KubeObject | undefined): string {
  const limits: LimitadorCrLimit[] = limitador?.spec?.limits ?? [];
  return stringify(
    limits.map(l => ({
      namespace: l.namespace,
      max_value: l.max_value,
      seconds: l.seconds,
      conditions: l.conditions ?? [],
      variables: l.variables ?? [],
      ...(l.name ? { name: l.name } : {}),
    })),
  );
}

/**
 * Kuadrant 1.3's Limitador CR has `metricLabelsDefault: descriptors[1]`: the entries of a call's second
 * descriptor (the TelemetryPolicy labels wasm-shim sends) become labels of its metrics. The harness always
 * starts Limitador so; a call without a second descriptor (no TelemetryPolicy) gets no extra label.
 */
export const METRIC_LABELS_DEFAULT_FLAG =
  '--metric-labels-default=descriptors[1]';

/**
 * The server flags limitador-operator derives from the CR: `telemetry: exhaustive` adds `limit_name` to the
 * limited_calls metric (`--limit-name-in-labels`); `rateLimitHeaders` turns on the X-RateLimit-* headers.
 */
export function limitadorFlags(limitador: KubeObject | undefined): string[] {
  const flags: string[] = [];
  if (limitador?.spec?.telemetry === 'exhaustive')
    flags.push('--limit-name-in-labels');
  const headers = limitador?.spec?.rateLimitHeaders;
  if (typeof headers === 'string' && headers !== 'NONE')
    flags.push(`--rate-limit-headers=${headers}`);
  return flags;
}
