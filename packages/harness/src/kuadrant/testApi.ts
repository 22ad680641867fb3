/*
 * What tests ask the harness's Kuadrant control plane: would Authorino let this request through, which
 * AuthConfig did kuadrant-operator write for a route, which limits did it give Limitador, and has it reported
 * on a policy yet. Reads the harness env (MAAS_HARNESS_KUBECONFIG, MAAS_HARNESS_AUTHORINO_URL).
 */
import http from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';
import { harnessKubeConfig } from '../testing/cluster.ts';
import { harnessEnv } from '../testing/harnessEnv.ts';
import { sleep } from '../waitFor.ts';
import {
  getObject,
  KINDS,
  KUADRANT_NAMESPACE,
  listObjects,
} from './kubeObjects.ts';
import type { Kind, KubeObject } from './kubeObjects.ts';

export interface AuthorizeRequest {
  /** The AuthConfig host (kuadrant-operator names each AuthConfig and its one host after the route rule). */
  host: string;
  /** The Authorization header, e.g. `APIKEY <key>` or `Bearer <jwt>`; omitted when undefined. */
  authorization?: string;
  method?: 'GET' | 'POST';
  path?: string;
}

export interface AuthorizeResult {
  /** 200 allowed; 401 not authenticated; 403 not authorized; 404 no AuthConfig for the host. */
  status: number;
  /** Authorino's X-Ext-Auth-Reason, when it denies. */
  reason?: string;
  headers: http.IncomingHttpHeaders;
}

/** One request to Authorino's raw HTTP authorization interface (`/check`), as Envoy would send it. */
export function authorize(request: AuthorizeRequest): Promise<AuthorizeResult> {
  const base = new URL(harnessEnv('MAAS_HARNESS_AUTHORINO_URL'));
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: base.hostname,
        port: base.port,
        method: request.method ?? 'GET',
        path: request.path ?? '/check',
        headers: {
          Host: request.host,
          ...(request.authorization === undefined
            ? {}
            : { Authorization: request.authorization }),
        },
        timeout: 10000,
      },
      res => {
        res.resume();
        res.on('end', () => {
          const reason = res.headers['x-ext-auth-reason'];
          resolve({
            status: res.statusCode ?? 0,
            reason: Array.isArray(reason) ? reason.join(', ') : reason,
            headers: res.headers,
          });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('Authorino: timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** The AuthConfigs kuadrant-operator manages (label kuadrant.io/managed=true), in its namespace. */
export async function managedAuthConfigs(
  kc: KubeConfig = harnessKubeConfig(),
): Promise<KubeObject[]> {
  const all = await listObjects(kc, KINDS.authConfig, KUADRANT_NAMESPACE);
  return all.filter(a => a.metadata.labels?.['kuadrant.io/managed'] === 'true');
}

/** The annotation kuadrant-operator puts on an AuthConfig: `httproute.gateway.networking.k8s.io:<ns>/<name>#<rule>`. */
export const ROUTE_RULE_ANNOTATION = 'HTTPRouteRule.gateway.networking.k8s.io';

export interface RouteRuleAuthConfig {
  /** The rule's name as kuadrant-operator's topology names it (`rule-1`, ... or the rule's own name). */
  rule: string;
  host: string;
  authConfig: KubeObject;
}

/** The AuthConfigs written for the rules of one HTTPRoute, in rule order. */
export async function authConfigsForRoute(
  route: { namespace: string; name: string },
  kc: KubeConfig = harnessKubeConfig(),
): Promise<RouteRuleAuthConfig[]> {
  const prefix = `httproute.gateway.networking.k8s.io:${route.namespace}/${route.name}#`;
  return (await managedAuthConfigs(kc))
    .filter(a =>
      a.metadata.annotations?.[ROUTE_RULE_ANNOTATION]?.startsWith(prefix),
    )
    .map(a => ({
      rule: a.metadata.annotations![ROUTE_RULE_ANNOTATION].slice(prefix.length),
      host: a.spec?.hosts?.[0],
      authConfig: a,
    }))
    .sort((a, b) => a.rule.localeCompare(b.rule, 'en', { numeric: true }));
}

/** The host of the AuthConfig of a one-rule HTTPRoute, waiting until kuadrant-operator has written it. */
export async function authConfigHostForRoute(
  route: { namespace: string; name: string },
  options: { timeoutMs?: number; kc?: KubeConfig } = {},
): Promise<string> {
  const kc = options.kc ?? harnessKubeConfig();
  const deadline = Date.now() + (options.timeoutMs ?? 30000);
  for (;;) {
    const found = await authConfigsForRoute(route, kc);
    if (found.length > 1) {
      throw new Error(
        `HTTPRoute ${route.namespace}/${route.name} has ${
          found.length
        } AuthConfigs (one per rule: ${found
          .map(f => f.rule)
          .join(', ')}); use authConfigsForRoute`,
      );
    }
    if (found.length === 1) return found[0].host;
    if (Date.now() > deadline) {
      throw new Error(
        `no AuthConfig in ${KUADRANT_NAMESPACE} for HTTPRoute ${
          route.namespace
        }/${route.name} after ${
          (options.timeoutMs ?? 30000) / 1000
        } s (is an AuthPolicy targeting it or its Gateway Accepted?)`,
      );
    }
    await sleep(250);
  }
}

export interface LimitadorLimit {
  namespace: string;
  max_value: number;
  seconds: number;
  conditions: string[];
  variables: string[];
  name?: string;
}

/** `spec.limits` of the Limitador CR kuadrant-operator owns: the limits a real Limitador would enforce. */
export async function limitadorLimits(
  kc: KubeConfig = harnessKubeConfig(),
): Promise<LimitadorLimit[]> {
  const [limitador] = await listObjects(
    kc,
    KINDS.limitador,
    KUADRANT_NAMESPACE,
  );
  if (!limitador) throw new Error(`no Limitador CR in ${KUADRANT_NAMESPACE}`);
  return limitador.spec?.limits ?? [];
}

export type PolicyKind = 'AuthPolicy' | 'RateLimitPolicy';
const POLICY_KINDS: Record<PolicyKind, Kind> = {
  AuthPolicy: KINDS.authPolicy,
  RateLimitPolicy: KINDS.rateLimitPolicy,
};

export interface PolicyCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/**
 * Waits until kuadrant-operator has reported on the policy's current generation with each of `conditions`
 * True (default Accepted and Enforced); on timeout the error carries the conditions it last saw.
 */
export async function waitForPolicy(
  kind: PolicyKind,
  policy: { namespace: string; name: string },
  options: { conditions?: string[]; timeoutMs?: number; kc?: KubeConfig } = {},
): Promise<KubeObject> {
  const kc = options.kc ?? harnessKubeConfig();
  const wanted = options.conditions ?? ['Accepted', 'Enforced'];
  const timeoutMs = options.timeoutMs ?? 60000;
  const deadline = Date.now() + timeoutMs;
  let last: KubeObject | undefined;
  for (;;) {
    try {
      last = await getObject(
        kc,
        POLICY_KINDS[kind],
        policy.name,
        policy.namespace,
      );
      const conditions: PolicyCondition[] = last.status?.conditions ?? [];
      const current =
        last.status?.observedGeneration === last.metadata.generation;
      if (
        current &&
        wanted.every(t =>
          conditions.some(c => c.type === t && c.status === 'True'),
        )
      ) {
        return last;
      }
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${kind} ${policy.namespace}/${policy.name}: not ${wanted.join(
          ' + ',
        )} after ${timeoutMs / 1000} s; conditions: ${JSON.stringify(
          last?.status?.conditions ?? [],
        )}`,
      );
    }
    await sleep(250);
  }
}
