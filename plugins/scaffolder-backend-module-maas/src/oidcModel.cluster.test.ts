/*
 * An OIDC model as Create model renders it, applied to the harness's API server, checked by the
 * real Authorino with tokens of the harness's real OpenID Connect provider (MAAS_OIDC_ISSUER): a
 * person's token passes, its `tier` claim picks the tier the rate limits select, a token of another
 * issuer or an expired one is refused with 401, and a tier the model does not offer with 403.
 */
import crypto from 'node:crypto';
import { KubernetesObjectApi } from '@kubernetes/client-node';
import {
  authConfigHostForRoute,
  authorize,
  createTestNamespace,
  deleteTestNamespace,
  harnessEnv,
  harnessKubeConfig,
  httpGatewaySpec,
  jwtClaims,
  limitadorLimits,
  oidcSignIn,
  SHORT_LIVED_CLIENT_ID,
  SHORT_TOKEN_SECONDS,
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

describe('an OIDC model at the real Authorino, with tokens of the harness OIDC provider', () => {
  const kc = harnessKubeConfig();
  let namespace: string;
  let host: string;
  let probeHost: string;
  let authPolicy: any;

  const check = (token?: string, at = host) =>
    authorize({
      host: at,
      authorization: token === undefined ? undefined : `Bearer ${token}`,
    });

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

    // A probe route beside the model's, with the rendered AuthPolicy plus one response header
    // carrying the identity's `tier` through the very selector the rendered policy gives the rate
    // limits: Authorino's raw HTTP answer has headers, not the metadata the gateway reads.
    const tierSelector =
      authPolicy.spec.rules.response.success.filters.identity.json.properties
        .tier.selector;
    const probeRoute = structuredClone(route) as any;
    probeRoute.metadata = { name: `${MODEL}-probe`, namespace };
    probeRoute.spec.hostnames = [`${MODEL}-probe.maas.local`];
    const probePolicy = structuredClone(authPolicy) as any;
    probePolicy.metadata = { name: `${MODEL}-probe-auth`, namespace };
    probePolicy.spec.targetRef.name = probeRoute.metadata.name;
    probePolicy.spec.rules.response.success.headers = {
      'x-maas-tier': { plain: { selector: tierSelector } },
    };
    await client.create(probeRoute);
    await client.create(probePolicy);

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
      waitForPolicy(
        'AuthPolicy',
        { namespace, name: probePolicy.metadata.name },
        { kc, timeoutMs: 120_000 },
      ),
    ]);
    host = await authConfigHostForRoute(
      { namespace, name: route.metadata.name },
      { kc },
    );
    probeHost = await authConfigHostForRoute(
      { namespace, name: probeRoute.metadata.name },
      { kc },
    );
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

  it.each([
    ['jane', 'premium'],
    ['bob', 'free'],
  ])(
    "lets %s's token through, and its tier claim selects the %s limits",
    async (user, tier) => {
      const { accessToken } = await oidcSignIn(user);
      expect(jwtClaims(accessToken).tier).toEqual([tier]);
      const answer = await check(accessToken);
      expect({ status: answer.status, reason: answer.reason }).toEqual({
        status: 200,
        reason: undefined,
      });

      const probe = await check(accessToken, probeHost);
      expect(probe.status).toBe(200);
      expect(probe.headers['x-maas-tier']).toBe(tier);
      // The limits kuadrant-operator gave Limitador for this route: the identity's tier selects
      // exactly its own tier's request limit.
      // What kuadrant-operator gave the gateway: the rate-limit action whose predicate this tier
      // satisfies, and the Limitador limit behind its descriptor, with the tier's request limit.
      const { key, predicates } = await rateLimitActionFor(tier);
      expect(predicates).toEqual([`auth.identity.tier == "${tier}"`]);
      const limits = (await limitadorLimits(kc)).filter(
        l =>
          l.namespace === `${namespace}/${MODEL}-route` &&
          l.conditions.some(c => c.includes(`"${key}"`)),
      );
      expect(limits.map(l => [l.max_value, l.seconds])).toEqual([
        [testDefaults.tiers.find(t => t.name === tier)!.requests.limit, 120],
      ]);
    },
  );

  it("refuses with 403 a person whose tier the model does not offer (ops's enterprise)", async () => {
    const { accessToken } = await oidcSignIn('ops');
    expect(jwtClaims(accessToken).tier).toEqual(['enterprise']);
    expect((await check(accessToken)).status).toBe(403);
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
  });
});
