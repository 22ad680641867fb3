/*
 * The upstream MaaS seed (deployment/kuadrant: Gateway, two HTTPRoutes, API-key Secrets, the gateway-level
 * AuthPolicy and RateLimitPolicy), applied unchanged to the harness, as the real kuadrant-operator and
 * Authorino see it: policies Accepted and Enforced, one AuthConfig per route rule, the tiers' limits in
 * Limitador, and the free key let through where a wrong one is not.
 */
import fs from 'node:fs';
import path from 'node:path';
import { KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import type { KubernetesObject } from '@kubernetes/client-node';
import YAML from 'yaml';
import { harnessKubeConfig } from '../testing/cluster.ts';
import { eventually } from '../testing/eventually.ts';
import {
  authConfigHostForRoute,
  authConfigsForRoute,
  authorize,
  limitadorLimits,
  managedAuthConfigs,
  ROUTE_RULE_ANNOTATION,
  waitForPolicy,
} from './testApi.ts';

const REFERENCE =
  process.env.MAAS_HARNESS_REFERENCE_DIR ??
  path.resolve(__dirname, '..', '..', '..', '..', '..', 'shared', 'reference');
const SEED = path.join(REFERENCE, 'maas-billing', 'deployment', 'kuadrant');
const FILES = [
  '02-gateway-configuration.yaml',
  '03-model-routing-domains.yaml',
  '05-api-key-secrets.yaml',
  '06-auth-policies-apikey.yaml',
  '07-rate-limit-policies.yaml',
];
const ROUTES = ['qwen3-domain-route', 'simulator-domain-route'];
const POLICY_TIMEOUT_MS = 90000;

function seedObjects(): KubernetesObject[] {
  return FILES.flatMap(file => {
    const full = path.join(SEED, file);
    if (!fs.existsSync(full)) {
      throw new Error(
        `${full} is missing: these tests read the upstream manifests from <repo>/../shared/reference (or MAAS_HARNESS_REFERENCE_DIR)`,
      );
    }
    return YAML.parseAllDocuments(fs.readFileSync(full, 'utf8'))
      .map(d => d.toJS())
      .filter(Boolean);
  });
}

/** The label Authorino's Secret watch selects by default (--secret-label-selector). */
const AUTHORINO_WATCHES = { 'authorino.kuadrant.io/managed-by': 'authorino' };

/** An API-key Secret as the seed writes them (its AuthPolicy selects app=llm-gateway in any namespace). */
function keySecret(
  name: string,
  groups: string,
  labels: Record<string, string> = {},
): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name,
      namespace: 'llm',
      labels: { app: 'llm-gateway', ...labels },
      annotations: {
        'kuadrant.io/groups': groups,
        'secret.kuadrant.io/user-id': name,
      },
    },
    stringData: { api_key: `${name}_key` },
  } as KubernetesObject;
}

describe('the upstream seed under the real kuadrant-operator and Authorino', () => {
  const kc = harnessKubeConfig();
  const objects = KubernetesObjectApi.makeApiClient(kc);
  let applied: KubernetesObject[] = [];
  let enforcedAfterMs = 0;
  /** The host that the AuthConfig of a seed route in `llm` answers on. */
  const hostOf = (route: string) =>
    authConfigHostForRoute({ namespace: 'llm', name: route }, { kc });
  /** Creates an object that the tests delete at the end. */
  const create = async (obj: KubernetesObject) => {
    applied.push(await objects.create(obj));
  };
  /** Authorino's answer for a request to `host` with an API key. */
  const withKey = (host: string, key: string) =>
    authorize({ host, authorization: `APIKEY ${key}` });

  beforeAll(async () => {
    const t = Date.now();
    // In file order: the Secrets exist before the AuthPolicy, so Authorino finds them when it loads the AuthConfig.
    for (const obj of seedObjects()) await create(obj);
    await Promise.all([
      waitForPolicy(
        'AuthPolicy',
        { namespace: 'llm', name: 'gateway-auth-policy' },
        { timeoutMs: POLICY_TIMEOUT_MS, kc },
      ),
      waitForPolicy(
        'RateLimitPolicy',
        { namespace: 'llm', name: 'gateway-rate-limits' },
        { timeoutMs: POLICY_TIMEOUT_MS, kc },
      ),
    ]);
    enforcedAfterMs = Date.now() - t;
    process.stderr.write(
      `[kuadrant] seed applied -> both policies Enforced in ${(
        enforcedAfterMs / 1000
      ).toFixed(1)} s\n`,
    );
  }, POLICY_TIMEOUT_MS + 30000);

  afterAll(async () => {
    for (const obj of applied.reverse()) {
      await objects.delete(obj).catch(() => undefined);
    }
    applied = [];
  });

  it('marks the AuthPolicy and the RateLimitPolicy Accepted and Enforced', async () => {
    for (const [kind, name] of [
      ['AuthPolicy', 'gateway-auth-policy'],
      ['RateLimitPolicy', 'gateway-rate-limits'],
    ] as const) {
      const policy = await waitForPolicy(
        kind,
        { namespace: 'llm', name },
        { timeoutMs: 1000, kc },
      );
      const enforced = policy.status.conditions.find(
        (c: { type: string }) => c.type === 'Enforced',
      );
      expect(enforced).toMatchObject({ status: 'True', reason: 'Enforced' });
    }
  });

  it('writes one AuthConfig per route rule into kuadrant-system, with the seed API-key authentication', async () => {
    for (const name of ROUTES) {
      const configs = await authConfigsForRoute({ namespace: 'llm', name }, kc);
      expect(configs).toHaveLength(1);
      const { authConfig, host } = configs[0];
      expect(authConfig.metadata.namespace).toBe('kuadrant-system');
      expect(authConfig.spec.hosts).toEqual([host]);
      expect(authConfig.spec.authentication['api-key-users'].apiKey).toEqual({
        allNamespaces: true,
        selector: { matchLabels: { app: 'llm-gateway' } },
      });
    }
    // Other test files add routes of their own in parallel: count the seed's only.
    const ofSeed = (await managedAuthConfigs(kc)).filter(a =>
      ROUTES.some(route =>
        a.metadata.annotations?.[ROUTE_RULE_ANNOTATION]?.includes(
          `:llm/${route}#`,
        ),
      ),
    );
    expect(ofSeed).toHaveLength(ROUTES.length);
  });

  it("writes Limitador limits for the seed's tiers, per route", async () => {
    // Other test files add routes of their own in parallel: the seed's only.
    const limits = (await limitadorLimits(kc)).filter(l =>
      ROUTES.some(route => l.namespace === `llm/${route}`),
    );
    for (const route of ROUTES) {
      const ofRoute = limits
        .filter(l => l.namespace === `llm/${route}`)
        .map(l => [l.max_value, l.seconds])
        .sort((a, b) => a[0] - b[0]);
      expect(ofRoute).toEqual([
        [5, 120],
        [20, 120],
        [50, 120],
      ]);
    }
    expect(limits).toHaveLength(3 * ROUTES.length);
    // Counted per user, as the policy's counters say.
    for (const l of limits) {
      expect(l.variables.join(' ')).toContain('auth.identity.userid');
    }
  });

  it("lets the seed's free key through on its route's host and refuses a wrong or missing one", async () => {
    const host = await hostOf('simulator-domain-route');
    const allowed = await withKey(host, 'freeuser1_key');
    expect(allowed.status).toBe(200);
    const premium = await withKey(host, 'premiumuser1_key');
    expect(premium.status).toBe(200);

    const wrong = await withKey(host, 'not-a-key');
    expect(wrong.status).toBe(401);
    expect(wrong.reason).toBeTruthy();
    expect((await authorize({ host })).status).toBe(401);
  });

  it('answers 404 for a host no AuthConfig claims', async () => {
    const res = await withKey('nobody.example', 'freeuser1_key');
    expect(res.status).toBe(404);
  });

  it("sees a key Secret created after the AuthConfig only when it carries Authorino's managed-by label", async () => {
    const host = await hostOf('simulator-domain-route');
    await create(keySecret('late-unlabelled', 'free'));
    await create(keySecret('late-labelled', 'free', AUTHORINO_WATCHES));
    await eventually(async () => {
      const res = await withKey(host, 'late-labelled_key');
      expect(res.status).toBe(200);
    }, 15000);
    // By now Authorino has processed both Secret events; the unlabelled one was filtered out.
    const unlabelled = await withKey(host, 'late-unlabelled_key');
    expect(unlabelled.status).toBe(401);
  });

  it("refuses with 403 a valid key whose group the AuthPolicy's OPA rule does not allow", async () => {
    const host = await hostOf('qwen3-domain-route');
    await create(keySecret('outsider', 'outsiders', AUTHORINO_WATCHES));
    const res = await eventually(async () => {
      const r = await withKey(host, 'outsider_key');
      expect(r.status).toBe(403);
      return r;
    }, 15000);
    expect(res.reason).toBeTruthy();
  });

  // Last: it changes the seed's RateLimitPolicy.
  it('follows a change of the RateLimitPolicy into Limitador, and reports it Enforced again', async () => {
    const changed: KubernetesObject = await objects.patch(
      {
        apiVersion: 'kuadrant.io/v1',
        kind: 'RateLimitPolicy',
        metadata: { name: 'gateway-rate-limits', namespace: 'llm' },
        spec: {
          limits: {
            'free-user-requests': { rates: [{ limit: 7, window: '2m' }] },
          },
        },
      },
      undefined,
      undefined,
      undefined,
      undefined,
      PatchStrategy.MergePatch,
    );
    expect(changed.metadata?.generation).toBe(2);
    await eventually(async () => {
      const free = (await limitadorLimits(kc)).filter(
        l =>
          l.namespace.startsWith('llm/') &&
          l.conditions.join(' ').includes('free_user_requests'),
      );
      expect(free.map(l => l.max_value)).toEqual([7, 7]);
    }, 30000);
    const policy = await waitForPolicy(
      'RateLimitPolicy',
      { namespace: 'llm', name: 'gateway-rate-limits' },
      { timeoutMs: 30000, kc },
    );
    expect(policy.status.observedGeneration).toBe(2);
  }, 90000);
});
