/* The policies the harness's backfilled routes were counted under, as a cluster holds them, and the limits the portal reads from them. */
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import {
  acquireHarnessLock,
  harnessMetrics,
} from '@maas-portal/harness/testing';
import {
  HTTP_ROUTE,
  LimitPolicy,
  RATE_LIMIT_POLICY,
  ResourceKind,
  TOKEN_RATE_LIMIT_POLICY,
  tierPredicate,
} from '@maas-portal/plugin-maas-node';
import { condition, createObject, writeStatus } from './harness';
import { buildModelTiers } from '../models/buildModelTiers';
import { effectiveLimits } from '../gateway/effectiveLimits';
import { RouteLimits, routeLimitsOf } from '../gateway/routeCounting';

type Route = ReturnType<typeof harnessMetrics>['routes'][number];

const limits = (tiers: string[], kind: 'requests' | 'tokens') =>
  Object.fromEntries(
    tiers.map(tier => [
      `${tier}-user-${kind}`,
      {
        rates: [{ limit: kind === 'tokens' ? 100000 : 1000, window: '1m' }],
        when: [{ predicate: tierPredicate('api-key', tier) }],
        counters: [{ expression: 'auth.identity.userid' }],
      },
    ]),
  );

/**
 * The route's RateLimitPolicy and TokenRateLimitPolicy as its data tells them (dataset.ts RouteSpec):
 * `authorized_hits` in tokens means a token limit, in calls a request limit; `requestAndTokenLimits`
 * both. Each limit is per tier, named as the data's `limit_name`s are (`<tier>-user-<kind>`).
 */
export function datasetRoutePolicies(
  route: Route,
  tiers: string[],
): LimitPolicy[] {
  const kinds: Array<'requests' | 'tokens'> = route.requestAndTokenLimits
    ? ['requests', 'tokens']
    : [route.hitsUnit === 'tokens' ? 'tokens' : 'requests'];
  return kinds.map(kind => ({
    apiVersion: kind === 'tokens' ? 'kuadrant.io/v1alpha1' : 'kuadrant.io/v1',
    kind: kind === 'tokens' ? 'TokenRateLimitPolicy' : 'RateLimitPolicy',
    metadata: { name: `${route.route}-${kind}`, namespace: route.namespace },
    spec: {
      targetRef: {
        group: 'gateway.networking.k8s.io',
        kind: 'HTTPRoute',
        name: route.route,
      },
      limits: limits(tiers, kind),
    },
  }));
}

/**
 * What the portal reads from those policies (the same functions as ModelService.routeLimits, without
 * the cluster's cache), per Limitador namespace: for the Prometheus tests, which have no cluster.
 */
export function datasetRouteLimits(
  summary: ReturnType<typeof harnessMetrics>,
): (limitadorNamespace: string) => RouteLimits | undefined {
  return ns => {
    const route = summary.routes.find(r => r.limitadorNamespace === ns);
    if (!route) return undefined;
    const policies = datasetRoutePolicies(route, summary.tiers);
    const of = (kind: 'RateLimitPolicy' | 'TokenRateLimitPolicy') =>
      effectiveLimits(
        kind,
        policies.filter(p => p.kind === kind),
        [],
      );
    return routeLimitsOf(
      buildModelTiers({
        configured: [],
        requests: of('RateLimitPolicy'),
        tokens: of('TokenRateLimitPolicy'),
      }),
    );
  };
}

/**
 * Puts the data's routes with per-user series on the cluster, in their namespace (`llm`), with the
 * policies above, so that a backend on the cluster counts them as the data was counted. The routes'
 * parent is a Gateway that does not exist: nothing routes traffic by them (the harness's gateway keeps
 * its own routes). The TokenRateLimitPolicies get the status kuadrant-operator 1.3 writes (the
 * harness's operator is v1.2, which never reconciles them, and the data is 1.3-shaped). Returns the
 * function that deletes them.
 *
 * The routes have fixed names, so two test files holding them at once would collide (409, or one deleting
 * them under the other): the harness lock `dataset-routes` is held from here until they are deleted, and a
 * second file waits for it (give its beforeAll a timeout of several minutes).
 */
export async function applyDatasetRoutes(
  kc: KubeConfig,
  summary: ReturnType<typeof harnessMetrics>,
): Promise<() => Promise<void>> {
  const release = await acquireHarnessLock('dataset-routes', {
    timeoutMs: 300_000,
  });
  try {
    return await createDatasetRoutes(kc, summary, release);
  } catch (error) {
    release();
    throw error;
  }
}

async function createDatasetRoutes(
  kc: KubeConfig,
  summary: ReturnType<typeof harnessMetrics>,
  release: () => void,
): Promise<() => Promise<void>> {
  const created: Array<{
    kind: ResourceKind;
    namespace: string;
    name: string;
  }> = [];
  for (const route of summary.routes.filter(
    r => r.perUserLabels && !r.noSeries,
  )) {
    await createObject(kc, HTTP_ROUTE, {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: route.route, namespace: route.namespace },
      spec: {
        parentRefs: [{ name: 'backfilled-data-only' }],
        rules: [
          { backendRefs: [{ name: `${route.model}-predictor`, port: 80 }] },
        ],
      },
    });
    created.push({
      kind: HTTP_ROUTE,
      namespace: route.namespace,
      name: route.route,
    });
    for (const policy of datasetRoutePolicies(route, summary.tiers)) {
      const kind =
        policy.kind === 'TokenRateLimitPolicy'
          ? TOKEN_RATE_LIMIT_POLICY
          : RATE_LIMIT_POLICY;
      await createObject(kc, kind, policy);
      created.push({
        kind,
        namespace: route.namespace,
        name: policy.metadata.name,
      });
      if (kind === TOKEN_RATE_LIMIT_POLICY)
        await writeStatus(kc, kind, route.namespace, policy.metadata.name, {
          conditions: [condition('Accepted'), condition('Enforced')],
        });
    }
  }
  return async () => {
    const api = kc.makeApiClient(CustomObjectsApi);
    try {
      for (const { kind, namespace, name } of created.reverse())
        await api.deleteNamespacedCustomObject({
          group: kind.group,
          version: kind.version,
          plural: kind.plural,
          namespace,
          name,
        });
    } finally {
      release();
    }
  };
}
