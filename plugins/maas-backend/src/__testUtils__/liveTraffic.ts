/*
 * A model under real traffic, for the tests that compare the portal's figures with what the data plane
 * counted: a test namespace with a Gateway, an InferenceService bound to its catalog entity (owned by team
 * A), its HTTPRoute on `<model>.<ns>.local`, the AuthPolicy Create model renders for API keys (bound to the
 * InferenceService's UID) and its RateLimitPolicy (free 5 / 2m, premium 20 / 2m per user), both enforced by
 * the real kuadrant-operator; the gateway runs them, and the maas backend reads the harness's Limitador and
 * Prometheus with keys in the Kuadrant namespace, as in production.
 */
import { BackendFeature } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { KubeConfig } from '@kubernetes/client-node';
import {
  apiKeyAuthentication,
  callModel,
  chatBody,
  createTestNamespace,
  deleteTestNamespace,
  harnessEnv,
  harnessKubeConfig,
  namespaceGateway,
  routeAuthPolicy,
  serverSideApply,
  waitForGateway,
  waitForPolicy,
} from '@maas-portal/harness/testing';
import { KUADRANT_KEY_SECRET } from '@maas-portal/plugin-maas-common';
import {
  modelKeySelector,
  TierAuthMode,
  tierPredicate,
  UNEXPIRED_KEY_RULE,
  unexpiredKeyRule,
} from '@maas-portal/plugin-maas-node';
import { createBoundModel, httpRoute, modelComponent } from './harness';
import { oidcModelAuthPolicy } from './oidcModelPolicy';
import {
  startMaasBackend,
  TestBackendServer,
  waitUntilBound,
} from './startMaasBackend';
import { DEV_A, examplePolicyUsers, TEAM_A } from './testUsers';

/** The portal's default tiers that the RateLimitPolicy limits (maas-node DEFAULT_TIERS). */
export const LIVE_TIERS = { free: 5, premium: 20 } as const;
const WINDOW = '2m';

/** Authorino's selector of a key Secret's annotation (dots escaped), as authPolicy.ts writes it. */
const annotation = (key: string) =>
  `auth.identity.metadata.annotations.${key.replace(/\./g, '\\.')}`;

/**
 * The AuthPolicy that Create model renders for an API-key model (scaffolder-backend-module-maas
 * authPolicy.ts), with the key selector bound to the InferenceService's UID as the apply action binds it:
 * only this model's keys, the caller's tier checked, a key past its expiry refused, and the identity exposing `userid` and `groups`, which
 * the rate limits count by.
 */
export function apiKeyModelAuthPolicy(model: {
  namespace: string;
  name: string;
  uid: string;
}) {
  const { groupsAnnotation, userIdAnnotation } = KUADRANT_KEY_SECRET;
  return routeAuthPolicy(
    { name: `${model.name}-auth`, namespace: model.namespace },
    `${model.name}-route`,
    {
      authentication: {
        'api-key-users': apiKeyAuthentication(modelKeySelector(model)),
      },
      authorization: {
        'allow-tiers': {
          opa: {
            rego: [
              `tiers := split(object.get(input.auth.identity.metadata.annotations, "${groupsAnnotation}", ""), ",")`,
              ...Object.keys(LIVE_TIERS).map(
                t => `allow { tiers[_] == ${JSON.stringify(t)} }`,
              ),
            ].join('\n'),
          },
        },
        [UNEXPIRED_KEY_RULE]: unexpiredKeyRule(),
      },
      response: {
        success: {
          filters: {
            identity: {
              json: {
                properties: {
                  userid: { selector: annotation(userIdAnnotation) },
                  groups: { selector: annotation(groupsAnnotation) },
                },
              },
            },
          },
        },
      },
    },
  );
}

/**
 * The RateLimitPolicy as limitPolicies.ts renders it: one limit per tier, counted per user; the tier
 * predicate reads the key's groups (API keys) or the token's tier claim (OIDC).
 */
export function tierRateLimitPolicy(
  namespace: string,
  model: string,
  auth: TierAuthMode = 'api-key',
) {
  return {
    apiVersion: 'kuadrant.io/v1',
    kind: 'RateLimitPolicy',
    metadata: { name: `${model}-rate-limits`, namespace },
    spec: {
      targetRef: {
        group: 'gateway.networking.k8s.io',
        kind: 'HTTPRoute',
        name: `${model}-route`,
      },
      limits: Object.fromEntries(
        Object.entries(LIVE_TIERS).map(([tier, limit]) => [
          `${tier}-user-requests`,
          {
            rates: [{ limit, window: WINDOW }],
            when: [{ predicate: tierPredicate(auth, tier) }],
            counters: [{ expression: 'auth.identity.userid' }],
          },
        ]),
      ),
    },
  };
}

export interface LiveModel {
  kc: KubeConfig;
  ns: string;
  /** The InferenceService's (and the simulator's model) name. */
  name: string;
  entityRef: string;
  /** Its host on the test Gateway. */
  host: string;
  /** Limitador's namespace of its route: `<ns>/<name>-route`. */
  limitadorNamespace: string;
  server: TestBackendServer;
  stop(): Promise<void>;
}

/**
 * Makes the model and its policies, waits until kuadrant-operator enforces them, the gateway runs its
 * config and Limitador its limits (no quota is spent waiting), and starts the maas backend with `maas`
 * beside Limitador, Prometheus and the keys namespace.
 */
export async function startLiveModel(options: {
  prefix: string;
  name: string;
  maas?: object;
  /** In place of the example policy's users (`examplePolicyUsers`), e.g. a stricter policy. */
  features?: BackendFeature[];
  /** The catalog, in place of the model's Component alone (e.g. with users and groups), given the test namespace. */
  entities?: (ns: string) => Entity[];
  /** Other top-level config, e.g. `app.baseUrl` for the notifications backend. */
  config?: object;
  /** How callers authenticate: the model's keys (the default), or tokens of the harness OIDC provider. */
  auth?: TierAuthMode;
}): Promise<LiveModel> {
  const kc = harnessKubeConfig();
  const apply = serverSideApply(kc);
  const { name } = options;
  const ns = await createTestNamespace(kc, options.prefix);
  const host = `${name}.${ns}.local`;
  await apply(namespaceGateway(ns));
  const isvc = await createBoundModel(kc, ns, name, TEAM_A);
  await apply(httpRoute(ns, name, { gateway: 'gw', hostnames: [host] }));
  const auth = options.auth ?? 'api-key';
  await apply(
    auth === 'oidc'
      ? oidcModelAuthPolicy({ namespace: ns, name }, Object.keys(LIVE_TIERS))
      : apiKeyModelAuthPolicy({
          namespace: ns,
          name,
          uid: isvc.metadata!.uid!,
        }),
  );
  await apply(tierRateLimitPolicy(ns, name, auth));
  for (const kind of ['AuthPolicy', 'RateLimitPolicy'] as const) {
    await waitForPolicy(
      kind,
      {
        namespace: ns,
        name: kind === 'AuthPolicy' ? `${name}-auth` : `${name}-rate-limits`,
      },
      { timeoutMs: 90_000, kc },
    );
  }
  const limitadorNamespace = `${ns}/${name}-route`;
  await waitForGateway(host, { limitadorNamespace });

  const entityRef = `component:default/${name}`;
  const server = await startMaasBackend({
    features: options.features ?? examplePolicyUsers({ [entityRef]: TEAM_A }),
    entities: options.entities?.(ns) ?? [
      modelComponent(name, `${ns}/${name}`, TEAM_A) as Entity,
    ],
    config: options.config,
    maas: {
      limitador: { url: harnessEnv('MAAS_HARNESS_LIMITADOR_URL') },
      // A second's cache: the test measures how soon a call shows, not the cache.
      prometheus: {
        url: harnessEnv('MAAS_HARNESS_PROMETHEUS_URL'),
        cacheTtlSeconds: 1,
      },
      keys: { namespace: 'kuadrant-system' },
      ...options.maas,
    },
  });
  await waitUntilBound(server, entityRef, DEV_A);
  return {
    kc,
    ns,
    name,
    entityRef,
    host,
    limitadorNamespace,
    server,
    stop: () => deleteTestNamespace(kc, ns),
  };
}

/**
 * Calls through the gateway, tallied as Limitador counts them: a 200 is an authorized call, a 429 a
 * limited one; a 401/403 never reaches Limitador (Authorino refuses first) and counts as neither.
 */
export class CallTally {
  authorized = 0;
  limited = 0;
  /** Unix ms of the last call Limitador counted. */
  lastCountedAt = 0;
  /** Each 200's `usage` block, as the model reported it. */
  readonly usages: Array<{ prompt_tokens: number; completion_tokens: number }> =
    [];
  /** The same counts per caller, for the calls made with a caller named (their gateway user id). */
  readonly byCaller: Record<string, { authorized: number; limited: number }> =
    {};

  constructor(private readonly model: LiveModel) {}

  async call(key: string, caller?: string): Promise<number> {
    const res = await callModel({
      host: this.model.host,
      key,
      body: chatBody(this.model.name),
    });
    if (res.status === 200) {
      this.authorized += 1;
      this.usages.push(res.json.usage);
    }
    if (res.status === 429) this.limited += 1;
    if (res.status === 200 || res.status === 429)
      this.lastCountedAt = Date.now();
    if (caller !== undefined) {
      const own = (this.byCaller[caller] ??= { authorized: 0, limited: 0 });
      if (res.status === 200) own.authorized += 1;
      if (res.status === 429) own.limited += 1;
    }
    return res.status;
  }
}
