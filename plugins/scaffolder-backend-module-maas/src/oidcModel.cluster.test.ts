/*
 * An OIDC model as Create model renders it, applied to the harness's API server and called through the
 * harness gateway (the real kuadrant-operator's config, the real Authorino over gRPC, Limitador on its real
 * library, the model's simulator) with tokens of the harness's real OpenID Connect provider (MAAS_OIDC_ISSUER):
 * a person's token passes, its `tier` claim selects the tier whose limit Limitador counts (the free person is
 * refused at the free limit, the premium one is not), a token of another issuer or an expired one is refused
 * with 401, and a tier the model does not offer with 403.
 */
import crypto from 'node:crypto';
import { KubernetesObjectApi } from '@kubernetes/client-node';
import {
  callModel,
  chatBody,
  createTestNamespace,
  deleteTestNamespace,
  harnessEnv,
  harnessKubeConfig,
  httpGatewaySpec,
  jwtClaims,
  limitadorCounters,
  limitadorLimits,
  oidcSignIn,
  SHORT_LIVED_CLIENT_ID,
  SHORT_TOKEN_SECONDS,
  waitForGateway,
  waitForPolicy,
} from '@maas-portal/harness/testing';
import { tierOfPredicate } from '@maas-portal/plugin-maas-node';
import { applyModelObjects } from './cluster/applyModelObjects';
import {
  modelInput,
  renderedObjects,
  simulatorServing,
  testDefaults,
} from './__testUtils__/modelInputs';

const MODEL = 'oidcsim';
/** The model offers free and premium; ops's tier (enterprise) is not among them. */
const OFFERED = ['free', 'premium'];

/**
 * A JWT signed here with a key of this test: a stand-in for a token of some other issuer, which
 * no real server of the test bed issues. Only its signature and issuer differ from a real token.
 */
function foreignToken(claims: Record<string, unknown>): string {
  const { privateKey } = crypto.generateKeyPairSync('rsa', {
    modulusLength: 2048,
  });
  const part = (o: object) =>
    Buffer.from(JSON.stringify(o)).toString('base64url');
  const data = `${part({ alg: 'RS256', typ: 'JWT', kid: 'other' })}.${part(
    claims,
  )}`;
  return `${data}.${crypto
    .sign('sha256', Buffer.from(data), privateKey)
    .toString('base64url')}`;
}

describe('an OIDC model through the harness gateway, with tokens of the harness OIDC provider', () => {
  const kc = harnessKubeConfig();
  const host = `${MODEL}.maas.local`;
  let namespace: string;
  let authPolicy: any;

  /** A chat completion through the gateway with a Bearer token (none when undefined). */
  const call = (token?: string) =>
    callModel({ host, token, body: chatBody(MODEL) });
  const check = call;

  beforeAll(async () => {
    namespace = await createTestNamespace(kc, 'oidc-model');
    const client = KubernetesObjectApi.makeApiClient(kc);
    await client.create({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'inference-gateway', namespace },
      spec: httpGatewaySpec(),
    } as any);
    const objects = renderedObjects(
      modelInput({
        name: MODEL,
        serving: simulatorServing,
        auth: {
          type: 'oidc',
          issuerUrl: harnessEnv('MAAS_OIDC_ISSUER'),
          tierClaim: 'tier',
          userIdClaim: 'preferred_username',
        },
        tiers: testDefaults.tiers.filter(t => OFFERED.includes(t.name)),
      }),
      namespace,
    );
    await applyModelObjects({ kubeConfig: kc, objects });
    const route = objects.find(o => o.kind === 'HTTPRoute')!;
    authPolicy = objects.find(o => o.kind === 'AuthPolicy')!;

    await Promise.all([
      waitForPolicy(
        'AuthPolicy',
        { namespace, name: authPolicy.metadata.name },
        { kc, timeoutMs: 120_000 },
      ),
      waitForPolicy(
        'RateLimitPolicy',
        {
          namespace,
          name: objects.find(o => o.kind === 'RateLimitPolicy')!.metadata.name,
        },
        { kc, timeoutMs: 120_000 },
      ),
    ]);
    await waitForGateway(host, {
      limitadorNamespace: `${namespace}/${route.metadata.name}`,
    });
  }, 240_000);

  /** The model route's rate-limit action (in the WasmPlugin) whose predicate selects `tier`. */
  async function rateLimitActionFor(tier: string) {
    const plugins = await KubernetesObjectApi.makeApiClient(kc).list(
      'extensions.istio.io/v1alpha1',
      'WasmPlugin',
      namespace,
    );
    const actions = plugins.items
      .flatMap((p: any) => p.spec.pluginConfig.actionSets)
      .filter((set: any) =>
        set.routeRuleConditions.hostnames.includes(`${MODEL}.maas.local`),
      )
      .flatMap((set: any) => set.actions)
      .filter(
        (a: any) =>
          a.service === 'ratelimit-service' &&
          a.predicates?.some((p: string) => tierOfPredicate(p) === tier),
      );
    expect(actions).toHaveLength(1);
    const key: string = actions[0].data
      .map((d: any) => d.expression.key)
      .find((k: string) => k.startsWith('limit.'));
    return { key, predicates: actions[0].predicates as string[] };
  }

  afterAll(async () => {
    if (namespace) await deleteTestNamespace(kc, namespace);
  });

  it('renders a jwt authentication with the harness issuer and Bearer tokens', () => {
    expect(authPolicy.spec.rules.authentication).toEqual({
      'oidc-users': {
        jwt: { issuerUrl: harnessEnv('MAAS_OIDC_ISSUER') },
        credentials: { authorizationHeader: { prefix: 'Bearer' } },
      },
    });
  });

  // Before the tier tests use up jane's window: before it expires, her token's call is answered.
  it('refuses with 401 an expired token of the harness issuer, that passed before it expired', async () => {
    const { accessToken } = await oidcSignIn('jane', {
      clientId: SHORT_LIVED_CLIENT_ID,
    });
    expect((await check(accessToken)).status).toBe(200);
    const { exp } = jwtClaims(accessToken);
    await new Promise(r =>
      setTimeout(r, Math.max(0, exp * 1000 - Date.now()) + 1500),
    );
    const expired = await check(accessToken);
    expect(expired.status).toBe(401);
    expect(SHORT_TOKEN_SECONDS).toBeLessThan(10);
  }, 30_000);

  it.each([
    ['jane', 'premium'],
    ['bob', 'free'],
  ])(
    "lets %s's token through, and its tier claim selects the %s limit that Limitador counts",
    async (user, tier) => {
      const { accessToken } = await oidcSignIn(user);
      expect(jwtClaims(accessToken).tier).toEqual([tier]);
      const limit = testDefaults.tiers.find(t => t.name === tier)!.requests
        .limit;
      // What kuadrant-operator gave the gateway: the rate-limit action whose predicate this tier
      // satisfies, and the Limitador limit behind its descriptor, with the tier's request limit.
      const { key, predicates } = await rateLimitActionFor(tier);
      expect(predicates).toEqual([`auth.identity.tier == "${tier}"`]);
      const limits = (await limitadorLimits(kc)).filter(
        l =>
          l.namespace === `${namespace}/${MODEL}-route` &&
          l.conditions.some(c => c.includes(`"${key}"`)),
      );
      expect(limits.map(l => [l.max_value, l.seconds])).toEqual([[limit, 120]]);

      // Real calls: every one the window has left answered by the model, the next refused.
      const countersOf = async () =>
        (await limitadorCounters(`${namespace}/${MODEL}-route`)).filter(c =>
          Object.values(c.set_variables).includes(user),
        );
      const before = await countersOf();
      const left = before.length ? before[0].remaining : limit;
      const statuses: number[] = [];
      for (let i = 0; i <= left; i++)
        statuses.push((await call(accessToken)).status);
      expect(statuses).toEqual([...Array(left).fill(200), 429]);
      // Limitador counted them on that tier's limit, for this person.
      expect(
        (await countersOf()).map(c => [c.limit.max_value, c.remaining]),
      ).toEqual([[limit, 0]]);
    },
    60_000,
  );

  it("refuses with 403 a person whose tier the model does not offer (ops's enterprise)", async () => {
    const { accessToken } = await oidcSignIn('ops');
    expect(jwtClaims(accessToken).tier).toEqual(['enterprise']);
    const refused = await check(accessToken);
    expect(refused.status).toBe(403);
    expect(refused.headers['x-ext-auth-reason']).toBeTruthy();
  });

  it("refuses with 401 a token of another issuer, one signed with a key not the issuer's, and none", async () => {
    const real = jwtClaims((await oidcSignIn('jane')).accessToken);
    const other = await check(
      foreignToken({ ...real, iss: 'http://127.0.0.1:9/realms/other' }),
    );
    expect(other.status).toBe(401);
    expect((await check(foreignToken(real))).status).toBe(401);
    const none = await check(undefined);
    expect(none.status).toBe(401);
  });
});
