/*
 * A model whose calls the harness's real Limitador counts, without a maas backend (liveTraffic.ts's
 * startLiveModel has one), for the tests of what the suite reads from Limitador: a test namespace
 * with a Gateway, an InferenceService (the harness runs a simulator for it), its HTTPRoute on
 * `<model>.<ns>.local`, liveTraffic.ts's AuthPolicy and RateLimitPolicy as Create model renders them
 * (free 5 / 2m, premium 20 / 2m per user), enforced by the real kuadrant-operator, and key Secrets as
 * the portal writes them (renderKeySecret). Calls go through the harness's gateway (Authorino, then
 * Limitador, then the model).
 */
import crypto from 'node:crypto';
import {
  CoreV1Api,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
} from '@kubernetes/client-node';
import {
  authConfigHostForRoute,
  authorize,
  callModel,
  chatBody,
  createTestNamespace,
  deleteTestNamespace,
  eventually,
  harnessKubeConfig,
  namespaceGateway,
  waitForGateway,
  waitForPolicy,
} from '@maas-portal/harness/testing';
import { renderKeySecret } from '../keys/KeySecrets';
import { createBoundModel, httpRoute } from './harness';
import {
  apiKeyModelAuthPolicy,
  LIVE_TIERS,
  tierRateLimitPolicy,
} from './liveTraffic';
import { TEAM_A } from './testUsers';

/** A tier of the route's RateLimitPolicy (LIVE_TIERS: requests per user in 2 minutes). */
export type RouteTier = keyof typeof LIVE_TIERS;
/** Where Authorino reads the keys (the Kuadrant namespace, as `maas.keys.namespace` defaults). */
const KEYS_NAMESPACE = 'kuadrant-system';

export interface LimitedRoute {
  /** `<route namespace>/<route name>`: Limitador's namespace of the route. */
  limitadorNamespace: string;
  host: string;
  /** One chat completion with `user`'s key through the gateway; its status. */
  call(user: string): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Makes the model, its policies and one key per user (gateway user id → tier), and waits until the
 * operator enforces the policies, the gateway runs them, Limitador enforces the limits and Authorino
 * lets every key through: no call is counted while waiting.
 */
export async function startLimitedRoute(
  prefix: string,
  users: Record<string, RouteTier>,
): Promise<LimitedRoute> {
  const kc: KubeConfig = harnessKubeConfig();
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const create = (object: object) => objects.create(object as KubernetesObject);
  const ns = await createTestNamespace(kc, prefix);
  const name = 'limited';
  const host = `${name}.${ns}.local`;
  const limitadorNamespace = `${ns}/${name}-route`;
  const secrets: string[] = [];
  const stop = async () => {
    const core = kc.makeApiClient(CoreV1Api);
    for (const secret of secrets)
      await core
        .deleteNamespacedSecret({ name: secret, namespace: KEYS_NAMESPACE })
        .catch(() => undefined);
    await deleteTestNamespace(kc, ns);
  };
  try {
    await create(namespaceGateway(ns));
    const isvc = await createBoundModel(kc, ns, name, TEAM_A);
    const model = { namespace: ns, name, uid: isvc.metadata!.uid! };
    await create(httpRoute(ns, name, { gateway: 'gw', hostnames: [host] }));
    await create(apiKeyModelAuthPolicy(model));
    await create(tierRateLimitPolicy(ns, name));
    const keys: Record<string, string> = {};
    // An install of their own: no portal's key task (in a test running alongside) touches them.
    const installId = crypto.randomUUID();
    for (const [user, tier] of Object.entries(users)) {
      const keyId = crypto.randomUUID();
      keys[user] = `maas_${crypto.randomBytes(24).toString('base64url')}`;
      const secret = renderKeySecret(
        {
          keyId,
          requestId: keyId,
          namespace: KEYS_NAMESPACE,
          model,
          entityRef: `component:default/${name}`,
          userEntityRef: `user:default/${user}`,
          tier,
          value: keys[user],
        },
        installId,
      );
      await create(secret);
      secrets.push(secret.metadata!.name!);
    }
    for (const [kind, policy] of [
      ['AuthPolicy', `${name}-auth`],
      ['RateLimitPolicy', `${name}-rate-limits`],
    ] as const)
      await waitForPolicy(
        kind,
        { namespace: ns, name: policy },
        { timeoutMs: 90_000, kc },
      );
    await waitForGateway(host, { limitadorNamespace, timeoutMs: 90_000 });
    // Authorino learns of a new key Secret from its watch; a call before it does would be refused
    // before Limitador. Its own /check, which Limitador never sees, tells when every key passes.
    const authHost = await authConfigHostForRoute(
      { namespace: ns, name: `${name}-route` },
      { kc },
    );
    for (const key of Object.values(keys))
      await eventually(
        async () => {
          const { status } = await authorize({
            host: authHost,
            authorization: `APIKEY ${key}`,
          });
          if (status !== 200) throw new Error(`Authorino answers ${status}`);
        },
        60_000,
        250,
      );
    return {
      limitadorNamespace,
      host,
      call: async user =>
        (await callModel({ host, key: keys[user], body: chatBody(name) }))
          .status,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
