/*
 * The playground with an OIDC model through the harness gateway (the real kuadrant-operator's config,
 * Authorino verifying JWTs of the harness's real OpenID Connect provider MAAS_OIDC_ISSUER, Limitador on its
 * real crate, the model's simulator), with each person's own access token pasted into POST
 * /models/by-entity/playground: bob's free token streams an answer with its usage and Limitador counts the
 * call for him; at the free limit the 429 names the limit and its reset as Limitador reports them (the
 * portal reads the counters of the tiers the model offers: a person with a token has no keys); an expired
 * token of the issuer and a token it did not sign are refused with 401, ops's tier (enterprise, which the
 * model does not offer) with 403, all explained and none counted. No token value appears in any log line.
 */
import crypto from 'node:crypto';
import { mockServices } from '@backstage/backend-test-utils';
import {
  harnessEnv,
  jwtClaims,
  limitadorCounters,
  oidcSignIn,
  SHORT_LIVED_CLIENT_ID,
} from '@maas-portal/harness/testing';
import request from 'supertest';
import {
  LIVE_TIERS,
  LiveModel,
  startLiveModel,
} from '../__testUtils__/liveTraffic';
import {
  expectFreeLimitRefusal,
  playUntilRefused,
} from '../__testUtils__/playgroundRefusal';
import { readChatStream } from '../__testUtils__/readChatStream';
import {
  ADMIN,
  as,
  DEV_A,
  DEV_B,
  examplePolicyUsers,
  TEAM_A,
} from '../__testUtils__/testUsers';

jest.setTimeout(240_000);

const MAX_TOKENS = 12;

/**
 * A token the harness issuer did not sign: a real token's claims, signed with a key of this test
 * (no server of the test bed issues tokens of another issuer).
 */
function unsignedByIssuer(token: string): string {
  const [header, payload] = token.split('.');
  const { privateKey } = crypto.generateKeyPairSync('rsa', {
    modulusLength: 2048,
  });
  const data = `${header}.${payload}`;
  return `${data}.${crypto
    .sign('sha256', Buffer.from(data), privateKey)
    .toString('base64url')}`;
}

describe('the playground with an OIDC model through the gateway, with tokens of the harness OIDC provider', () => {
  let model: LiveModel;
  /** Token values, kept in memory only (never logged). */
  const tokens: string[] = [];
  /** Every line the backend logged, read at the end for token values. */
  const logged: string[] = [];

  const play = (user: string, token: string) =>
    request(model.server)
      .post(
        `/api/maas/models/by-entity/playground?entityRef=${model.entityRef}`,
      )
      .set(as(user))
      .send({
        messages: [{ role: 'user', content: 'Say hello' }],
        maxTokens: MAX_TOKENS,
        credential: token,
      });
  const tokenOf = async (user: string, clientId?: string) => {
    const { accessToken } = await oidcSignIn(
      user,
      clientId ? { clientId } : {},
    );
    tokens.push(accessToken);
    return accessToken;
  };
  const countersOf = async (user: string) =>
    (await limitadorCounters(model.limitadorNamespace)).filter(c =>
      Object.values(c.set_variables).includes(user),
    );
  /** Every counter of the route, as numbers that change when a call is counted. */
  const allCounters = async () =>
    (await limitadorCounters(model.limitadorNamespace))
      .map(c => `${JSON.stringify(c.set_variables)}:${c.remaining}`)
      .sort();

  beforeAll(async () => {
    // Kept, not printed: the backend logs at debug level here.
    for (const level of ['error', 'warn', 'info', 'debug', 'log'] as const) {
      jest.spyOn(console, level).mockImplementation((...args) => {
        logged.push(
          args
            .map(a => (typeof a === 'string' ? a : JSON.stringify(a)))
            .join(' '),
        );
      });
    }
    model = await startLiveModel({
      prefix: 'play-oidc',
      name: 'oidcplay',
      auth: 'oidc',
      maas: { gateway: { url: harnessEnv('MAAS_HARNESS_GATEWAY_URL') } },
      features: [
        ...examplePolicyUsers({ 'component:default/oidcplay': TEAM_A }),
        mockServices.rootLogger.factory({ level: 'debug' }),
      ],
    });
  }, 240_000);

  afterAll(async () => {
    await model?.stop();
  });

  it('tells the portal the model takes OIDC tokens of the harness issuer', async () => {
    const res = await request(model.server)
      .get(`/api/maas/models/by-entity?entityRef=${model.entityRef}`)
      .set(as(DEV_B));
    expect(res.status).toBe(200);
    expect(res.body.authMode).toBe('oidc');
    expect(res.body.oidcIssuer).toBe(harnessEnv('MAAS_OIDC_ISSUER'));
  });

  it("streams the answer to bob's token with its usage, and Limitador counts the call on his free limit", async () => {
    const token = await tokenOf('bob');
    expect(jwtClaims(token).tier).toEqual(['free']);
    expect(await countersOf('bob')).toEqual([]);
    const res = await play(DEV_B, token);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    const answer = readChatStream(res.text);
    expect(answer.done).toBe(true);
    expect(answer.content.length).toBeGreaterThan(0);
    const usage = answer.usage!;
    expect(usage.prompt_tokens).toBeGreaterThan(0);
    expect(usage.completion_tokens).toBeGreaterThan(0);
    expect(usage.completion_tokens).toBeLessThanOrEqual(MAX_TOKENS);
    expect(usage.total_tokens).toBe(
      usage.prompt_tokens + usage.completion_tokens,
    );
    expect(
      (await countersOf('bob')).map(c => [c.limit.max_value, c.remaining]),
    ).toEqual([[LIVE_TIERS.free, LIVE_TIERS.free - 1]]);
  });

  it('answers 429 at the free limit, naming the limit and its reset as Limitador counts them', async () => {
    const token = await tokenOf('bob');
    const { statuses, served, refused, refusedAt } = await playUntilRefused(
      () => play(DEV_B, token),
      LIVE_TIERS.free,
    );
    // Bob's first call was the streaming test's.
    const authorized = 1 + served.length;
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    const [counter] = await countersOf('bob');
    expect(authorized).toBe(LIVE_TIERS.free);
    expect(counter.remaining).toBe(LIVE_TIERS.free - authorized);
    expectFreeLimitRefusal({
      refused,
      counter,
      secondsSinceRefusal: (Date.now() - refusedAt) / 1000,
      explanation:
        /^free tier: 5 requests per 2m, all used in this window; resets in about (\d+) s\. Calls are counted per person: every token of yours counts against the same limit\.$/,
    });
  });

  it('explains with 401 an expired token of the harness issuer, that passed before it expired', async () => {
    const token = await tokenOf('jane', SHORT_LIVED_CLIENT_ID);
    expect((await play(DEV_A, token)).status).toBe(200);
    const { exp } = jwtClaims(token);
    await new Promise(r =>
      setTimeout(r, Math.max(0, exp * 1000 - Date.now()) + 1500),
    );
    const before = await allCounters();
    const res = await play(DEV_A, token);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({
      source: 'gateway',
      status: 401,
      title: 'Not authenticated (401): the gateway did not accept the token',
    });
    expect(res.body.explanation).toMatch(/expired/);
    expect(await allCounters()).toEqual(before);
  });

  it('explains with 401 a token the issuer did not sign; Limitador counts nothing', async () => {
    const forged = unsignedByIssuer(await tokenOf('jane'));
    tokens.push(forged);
    const before = await allCounters();
    const res = await play(DEV_A, forged);
    expect(res.status).toBe(401);
    expect(res.body.title).toBe(
      'Not authenticated (401): the gateway did not accept the token',
    );
    expect(res.body.explanation).toMatch(
      /not from the issuer this model trusts/,
    );
    expect(JSON.stringify(res.body)).not.toContain(forged);
    expect(await allCounters()).toEqual(before);
  });

  it("explains with 403 a person whose tier the model does not offer (ops's enterprise); Limitador counts nothing", async () => {
    const token = await tokenOf('ops');
    expect(jwtClaims(token).tier).toEqual(['enterprise']);
    const before = await allCounters();
    const res = await play(ADMIN, token);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({
      source: 'gateway',
      status: 403,
      title: 'Refused (403): the model’s policy does not allow this call',
    });
    expect(res.body.explanation).toMatch(
      /its tier is not one this model allows/,
    );
    expect(await allCounters()).toEqual(before);
  });

  it('logged the calls, and no token value in any line', () => {
    expect(
      logged.some(l =>
        l.includes(`Playground: ${DEV_B} called model oidcplay`),
      ),
    ).toBe(true);
    expect(tokens.length).toBeGreaterThanOrEqual(5);
    for (const token of tokens)
      expect(logged.filter(l => l.includes(token))).toEqual([]);
  });
});
