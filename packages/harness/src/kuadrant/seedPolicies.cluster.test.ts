/*
 * The upstream MaaS seed (deployment/kuadrant: Gateway, two HTTPRoutes, API-key Secrets, the gateway-level
 * AuthPolicy and RateLimitPolicy, and model_serving's Qwen3 InferenceService), applied unchanged to the
 * harness, as the real kuadrant-operator and Authorino see it: policies Accepted and Enforced, one AuthConfig
 * per route rule, the tiers' limits in Limitador. Then real calls through the harness gateway (Authorino over
 * gRPC, Limitador on its real library, a simulator per InferenceService): the seed's test-request-limits.sh.
 */
import fs from 'node:fs';
import path from 'node:path';
import { KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import type { KubernetesObject } from '@kubernetes/client-node';
import YAML from 'yaml';
import { harnessKubeConfig } from '../testing/cluster.ts';
import {
  callModel,
  chatBody,
  limitadorCounters,
  waitForGateway,
} from '../testing/gateway.ts';
import { sleep } from '../waitFor.ts';
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
const DEPLOYMENT = path.join(REFERENCE, 'maas-billing', 'deployment');
const FILES = [
  'kuadrant/02-gateway-configuration.yaml',
  'kuadrant/03-model-routing-domains.yaml',
  'kuadrant/05-api-key-secrets.yaml',
  'kuadrant/06-auth-policies-apikey.yaml',
  'kuadrant/07-rate-limit-policies.yaml',
  'model_serving/qwen3-0.6b-vllm-raw.yaml',
];
/**
 * The seed's simulator-domain-route sends to `vllm-simulator-predictor`, whose InferenceService the seed does
 * not ship: ours runs the simulator image as Create model does (the harness plays KServe for it).
 */
const SIMULATOR_ISVC = {
  apiVersion: 'serving.kserve.io/v1beta1',
  kind: 'InferenceService',
  metadata: {
    name: 'vllm-simulator',
    namespace: 'llm',
    annotations: { 'serving.kserve.io/deploymentMode': 'RawDeployment' },
  },
  spec: {
    predictor: {
      containers: [
        {
          name: 'kserve-container',
          image: 'ghcr.io/llm-d/llm-d-inference-sim:v0.10.2',
          args: ['--model', 'simulator-model', '--port', '8080'],
        },
      ],
    },
  },
} as KubernetesObject;
const SIMULATOR_HOST = 'simulator.maas.local';
const QWEN3_HOST = 'qwen3.maas.local';
const ROUTES = ['qwen3-domain-route', 'simulator-domain-route'];
const POLICY_TIMEOUT_MS = 90000;

function seedObjects(): KubernetesObject[] {
  return FILES.flatMap(file => {
    const full = path.join(DEPLOYMENT, file);
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
    for (const obj of [...seedObjects(), SIMULATOR_ISVC]) await create(obj);
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
    // The gateway runs what the operator wrote, Limitador enforces it, and both models answer.
    await Promise.all([
      waitForGateway(SIMULATOR_HOST, {
        limitadorNamespace: 'llm/simulator-domain-route',
      }),
      waitForGateway(QWEN3_HOST, {
        limitadorNamespace: 'llm/qwen3-domain-route',
      }),
    ]);
    process.stderr.write(
      `[kuadrant] seed applied -> both policies Enforced in ${(
        enforcedAfterMs / 1000
      ).toFixed(1)} s\n`,
    );
  }, POLICY_TIMEOUT_MS + 90000);

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
        // Other test files change Limitador's limits in parallel: each change makes the operator
        // report Enforced False ("waiting for ... Limitador") until the CR's new generation is Ready.
        { timeoutMs: 30000, kc },
      );
      const enforced = policy.status.conditions.find(
        (c: { type: string }) => c.type === 'Enforced',
      );
      expect(enforced).toMatchObject({ status: 'True', reason: 'Enforced' });
    }
  }, 70000);

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

  /** A chat completion through the gateway to a seed route's host. */
  const call = (key: string | undefined, host = SIMULATOR_HOST) =>
    callModel({
      host,
      key,
      body: chatBody(
        host === SIMULATOR_HOST ? 'simulator-model' : 'qwen3-0-6b-instruct',
      ),
    });
  /** Limitador's own counter of a user on a seed route. */
  const counterOf = async (route: string, user: string) => {
    const counters = (await limitadorCounters(`llm/${route}`)).filter(c =>
      Object.values(c.set_variables).includes(user),
    );
    expect(counters).toHaveLength(1);
    return counters[0];
  };
  /** When freeuser1's window on the simulator route started (its first call). */
  let freeWindowEndsAt = 0;

  it('test-request-limits.sh through the gateway: a free key gets 5 answers, then 429, inside 2 minutes', async () => {
    const t = Date.now();
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await call('freeuser1_key'));
    expect(answers.map(a => a.status)).toEqual([200, 200, 200, 200, 200, 429]);
    expect(Date.now() - t).toBeLessThan(120000);
    // The model answered: an OpenAI completion with its token usage.
    expect(answers[0].json).toMatchObject({
      model: 'simulator-model',
      usage: { total_tokens: expect.any(Number) },
    });
    expect(answers[5].text).toMatch(/Too Many Requests/i);
    // Limitador counted exactly these: the free limit, nothing left.
    const counter = await counterOf('simulator-domain-route', 'freeuser1');
    expect(counter.limit.max_value).toBe(5);
    expect(counter.limit.seconds).toBe(120);
    expect(counter.remaining).toBe(0);
    freeWindowEndsAt = Date.now() + counter.expires_in_seconds * 1000;
  }, 60000);

  it('gives a second free user a counter of their own, on the same route', async () => {
    expect((await call('freeuser2_key')).status).toBe(200);
    const counter = await counterOf('simulator-domain-route', 'freeuser2');
    expect(counter.remaining).toBe(4);
    // freeuser1 is still refused.
    expect((await call('freeuser1_key')).status).toBe(429);
  }, 30000);

  it('gives a premium key 20 answers, then 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++)
      statuses.push((await call('premiumuser1_key')).status);
    expect(statuses).toEqual([...Array(20).fill(200), 429]);
    const counter = await counterOf('simulator-domain-route', 'premiumuser1');
    expect([counter.limit.max_value, counter.remaining]).toEqual([20, 0]);
  }, 60000);

  it("counts a user's calls per route: the free user limited on one model still gets answers from another", async () => {
    expect((await call('freeuser1_key', QWEN3_HOST)).json).toMatchObject({
      model: 'qwen3-0-6b-instruct',
    });
    const counter = await counterOf('qwen3-domain-route', 'freeuser1');
    expect(counter.remaining).toBe(4);
  }, 30000);

  it("answers 401 through the gateway for a wrong or a missing key, with Authorino's reason, and counts nothing", async () => {
    const before = await limitadorCounters('llm/simulator-domain-route');
    const wrong = await call('not-a-key');
    expect(wrong.status).toBe(401);
    expect(wrong.headers['www-authenticate']).toMatch(/APIKEY/);
    const missing = await call(undefined);
    expect(missing.status).toBe(401);
    const after = await limitadorCounters('llm/simulator-domain-route');
    expect(after.map(c => c.remaining).sort()).toEqual(
      before.map(c => c.remaining).sort(),
    );
  }, 30000);

  it('answers 404 through the gateway for a host no route serves', async () => {
    const res = await call('freeuser2_key', 'nobody.maas.local');
    expect(res.status).toBe(404);
  }, 30000);

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

  it("refuses with 403 through the gateway a valid key whose group (tier) the AuthPolicy's OPA rule does not allow", async () => {
    await create(keySecret('outsider', 'outsiders', AUTHORINO_WATCHES));
    const res = await eventually(async () => {
      const r = await call('outsider_key', QWEN3_HOST);
      expect(r.status).toBe(403);
      return r;
    }, 15000);
    expect(res.headers['x-ext-auth-reason']).toBeTruthy();
  });

  // After every other call on the simulator route: it waits for freeuser1's window to end.
  it('answers the free key again once its 2-minute window has passed', async () => {
    expect(freeWindowEndsAt).toBeGreaterThan(0);
    expect((await call('freeuser1_key')).status).toBe(429);
    await sleep(Math.max(0, freeWindowEndsAt - Date.now()) + 1000);
    expect((await call('freeuser1_key')).status).toBe(200);
    const counter = await counterOf('simulator-domain-route', 'freeuser1');
    expect(counter.remaining).toBe(4);
  }, 150000);

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
