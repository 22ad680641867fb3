/*
 * The portal's figures after real calls through the harness gateway (the real kuadrant-operator v1.2.0's
 * config, Authorino over gRPC, Limitador on its real crate, the model's simulator, Prometheus scraping
 * every 5 s), compared with what Limitador itself counted: a key asked for, approved and revealed over
 * HTTP, quota left, usage totals, refusals and costs, with three users.
 */
import {
  harnessEnv,
  eventually,
  limitadorCounters,
} from '@maas-portal/harness/testing';
import { readWhenSettled } from '../__testUtils__/livePrometheus';
import request from 'supertest';
import {
  CallTally,
  LIVE_TIERS,
  LiveModel,
  startLiveModel,
} from '../__testUtils__/liveTraffic';
import { ADMIN, as, DEV_A, DEV_B } from '../__testUtils__/testUsers';

jest.setTimeout(240_000);

/** Calls of DEV_A with the premium key; DEV_B's free key is called until its one refusal. */
const DEV_A_CALLS = 3;

describe('live traffic through the gateway: the portal agrees with Limitador', () => {
  let model: LiveModel;
  let tally: CallTally;
  /** Key values, kept in memory only (never logged). */
  const keys: { janePremium?: string; bobFree?: string } = {};
  let janeKeyId: string;

  const api = (user: string, path: string) =>
    request(model.server).get(`/api/maas${path}`).set(as(user));
  const post = (user: string, path: string, body: object = {}) =>
    request(model.server).post(`/api/maas${path}`).set(as(user)).send(body);
  const byEntity = (what: string, query = '') =>
    `/models/by-entity/${what}?entityRef=${model.entityRef}${query}`;
  /** Calls with `key` until Authorino has seen its Secret (401 until then, which Limitador never counts). */
  const firstCall = (key: string) =>
    eventually(async () => expect(await tally.call(key)).toBe(200), 20_000);

  beforeAll(async () => {
    harnessEnv('MAAS_HARNESS_GATEWAY_URL');
    model = await startLiveModel({
      prefix: 'live',
      name: 'livesim',
      maas: {
        pricing: {
          currency: 'EUR',
          tiers: [
            { tier: 'free', perThousandRequests: 1 },
            { tier: 'premium', perThousandRequests: 2 },
          ],
        },
      },
    });
    tally = new CallTally(model);
  }, 240_000);

  afterAll(async () => {
    await model?.stop();
  });

  it('issues a premium key over HTTP only after another approver (four eyes), reveals it once to its owner, and the gateway answers 200 with it; DEV_B can neither reveal nor see it', async () => {
    const asked = await post(DEV_A, '/keys/requests', {
      entityRef: model.entityRef,
      tier: 'premium',
      reason: 'live traffic test',
    });
    expect(asked.status).toBe(201);
    expect(asked.body.request.state).toBe('pending');
    expect(asked.body.issued).toBeUndefined();
    const id = asked.body.request.id;

    const decide = (user: string) =>
      post(user, '/keys/requests/decisions', {
        ids: [id],
        decision: 'approve',
      });
    expect((await decide(DEV_A)).body).toEqual([
      {
        id,
        ok: false,
        error: `Key request ${id} is your own; another approver must decide it (four eyes; maas.approvals.allowSelfApproval turns this off)`,
      },
    ]);
    expect((await decide(DEV_B)).body).toEqual([
      {
        id,
        ok: false,
        error: `You lack the maas.key.approve permission on ${model.entityRef}`,
      },
    ]);
    const approved = await decide(ADMIN);
    expect(approved.body).toEqual([
      expect.objectContaining({
        id,
        ok: true,
        request: expect.objectContaining({ state: 'issued' }),
      }),
    ]);
    janeKeyId = approved.body[0].request.keyId;
    expect(janeKeyId).toEqual(expect.any(String));

    const bobReveals = await post(DEV_B, `/keys/${janeKeyId}/reveal`);
    expect(bobReveals.status).toBe(403);
    expect(bobReveals.body.error.message).toBe(
      `Only ${DEV_A}, its owner, can see key ${janeKeyId}`,
    );
    const listed = async (user: string) => {
      const res = await api(user, `/keys?entityRef=${model.entityRef}`);
      expect({ status: res.status, body: res.body }).toMatchObject({
        status: 200,
      });
      return res.body.map((k: { id: string }) => k.id);
    };
    expect(await listed(DEV_B)).not.toContain(janeKeyId);
    expect(await listed(DEV_A)).toContain(janeKeyId);

    const shown = await post(DEV_A, `/keys/${janeKeyId}/reveal`);
    expect(shown.status).toBe(200);
    expect(shown.body.key).toMatchObject({ id: janeKeyId, revealed: true });
    keys.janePremium = shown.body.value;
    const again = await post(DEV_A, `/keys/${janeKeyId}/reveal`);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toBe(
      `Key ${janeKeyId} was already shown once; rotate the key to get a new one`,
    );

    await firstCall(keys.janePremium!);
  });

  it("shows each user the quota Limitador counts for them: remaining and reset time equal to its counter, the other user's calls not in it", async () => {
    expect(keys.janePremium).toBeDefined();
    for (let i = 1; i < DEV_A_CALLS; i++)
      expect(await tally.call(keys.janePremium!)).toBe(200);

    const asked = await post(DEV_B, '/keys/requests', {
      entityRef: model.entityRef,
      tier: 'free',
      reason: 'live traffic test',
    });
    expect(asked.status).toBe(201);
    expect(asked.body.issued.key.tier).toBe('free');
    keys.bobFree = asked.body.issued.value;
    await firstCall(keys.bobFree!);
    const statuses = [];
    for (let i = 1; i <= LIVE_TIERS.free; i++)
      statuses.push(await tally.call(keys.bobFree!));
    // Five within the free tier's window, then the lone refusal.
    expect(statuses).toEqual([200, 200, 200, 200, 429]);

    const expected = {
      jane: { tier: 'premium', calls: DEV_A_CALLS },
      bob: { tier: 'free', calls: LIVE_TIERS.free },
    } as const;
    for (const [user, userId] of [
      [DEV_A, 'jane'],
      [DEV_B, 'bob'],
    ] as const) {
      const quota = await api(user, byEntity('quota'));
      const counters = await limitadorCounters(model.limitadorNamespace);
      expect(quota.status).toBe(200);
      const own = counters.filter(c =>
        Object.values(c.set_variables).includes(userId),
      );
      expect(own).toHaveLength(1);
      const { tier, calls } = expected[userId];
      const limit = LIVE_TIERS[tier];
      expect(own[0].limit.max_value).toBe(limit);
      expect(own[0].remaining).toBe(limit - calls);
      expect(quota.body).toMatchObject({
        userId,
        source: 'limitador',
        warnings: [],
        tiers: [
          {
            tier,
            requests: {
              limitName: `${tier}-user-requests`,
              limit,
              window: '2m',
              windowSeconds: 120,
              remaining: own[0].remaining,
            },
            tokens: null,
          },
        ],
      });
      // Read a moment apart: the same reset, to the second.
      expect(
        Math.abs(
          quota.body.tiers[0].requests.resetsInSeconds -
            own[0].expires_in_seconds,
        ),
      ).toBeLessThanOrEqual(1);
    }
    // Both users' counters, and no other, in the route's namespace.
    expect(
      (await limitadorCounters(model.limitadorNamespace))
        .map(c => Object.values(c.set_variables).join())
        .sort(),
    ).toEqual(['bob', 'jane']);
  });

  /** Reads `get` once Prometheus holds every call the tally counted (livePrometheus.ts). */
  const settled = (get: () => Promise<request.Response>) =>
    readWhenSettled(model, tally, get);

  it('counts usage exactly as the calls made (authorized = the 200s, limited = the lone 429, first calls of each series included), over 1h and 24h', async () => {
    const usage = (range: string, user = ADMIN, scope = 'all') =>
      api(user, byEntity('usage', `&range=${range}&scope=${scope}`));
    const exact = (body: any) => {
      expect(body).toMatchObject({
        state: 'no-user-labels',
        perUserLabels: false,
        scope: 'all',
        limitadorNamespace: model.limitadorNamespace,
        warnings: [],
      });
      const totals = (part: string) =>
        body[part].map((s: any) => ({
          tier: s.tier,
          limitName: s.limitName,
          total: s.total,
        }));
      expect(totals('authorized')).toEqual([
        { tier: null, limitName: undefined, total: tally.authorized },
      ]);
      expect(totals('limited')).toEqual([
        { tier: null, limitName: undefined, total: tally.limited },
      ]);
      // The chart's points add up to the total.
      for (const part of ['authorized', 'limited']) {
        const [series] = body[part];
        expect(
          series.points.reduce((n: number, [, v]: number[]) => n + v, 0),
        ).toBe(series.total);
      }
      // The model's own token counters, as the 200s' usage blocks said.
      const sum = (field: 'prompt_tokens' | 'completion_tokens') =>
        tally.usages.reduce((n, u) => n + u[field], 0);
      expect(body.promptTokens.total).toBe(sum('prompt_tokens'));
      expect(body.generationTokens.total).toBe(sum('completion_tokens'));
      // Limitador exports authorized_hits here, but under a RateLimitPolicy only they are 1 per call,
      // not tokens: the portal shows no Limitador tokens, and says so (issue #19).
      expect(body.hitsCounted).toBe(true);
      expect(body.tokens).toEqual([]);
      expect(body.counting).toEqual([
        { tier: null, basis: 'requests', tokensCounted: false, exact: true },
      ]);
    };
    expect(tally).toMatchObject({
      authorized: DEV_A_CALLS + LIVE_TIERS.free,
      limited: 1,
    });
    for (const range of ['1h', '24h'])
      exact((await settled(() => usage(range))).body);

    // How soon a call shows: one more call, then the portal read until it counts it.
    const before = tally.authorized;
    expect(await tally.call(keys.janePremium!)).toBe(200);
    const calledAt = tally.lastCountedAt;
    await eventually(
      async () => {
        const { body } = await usage('1h');
        expect(body.authorized[0].total).toBe(before + 1);
      },
      60_000,
      250,
    );
    process.stderr.write(
      `[live traffic] a call -> the portal's usage counts it after ${(
        (Date.now() - calledAt) /
        1000
      ).toFixed(1)} s (5 s scrape, windows ending to 15 s, 1 s cache)\n`,
    );
    for (const range of ['1h', '24h'])
      exact((await settled(() => usage(range))).body);

    // One's own usage on a route without user labels: no numbers it cannot know, and the state that says so.
    for (const user of [DEV_A, DEV_B]) {
      const own = await usage('1h', user, 'user');
      expect(own.status).toBe(200);
      expect(own.body).toMatchObject({
        state: 'no-user-labels',
        perUserLabels: false,
        scope: 'user',
        authorized: [],
        limited: [],
        tokens: [],
      });
    }
  });

  it('says that Limitador does not name the limit that refused the call (v1.2.0 writes limits without a name), counts the refusal, and tells a user their own refusals cannot be known without user labels', async () => {
    const res = await settled(() =>
      api(ADMIN, byEntity('refusals', '&range=1h&scope=all')),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      scope: 'all',
      limitNames: false,
      total: tally.limited,
      refusals: [{ tier: null, count: tally.limited }],
      warnings: [
        "Limitador does not report which limit refused a call: set `telemetry: exhaustive` on the Limitador CR to see each limit's name.",
      ],
    });
    expect(res.body.refusals[0].limitName).toBeUndefined();

    // DEV_B's own refusals: the metrics cannot tell his 429 from anyone's, and the portal says so
    // rather than "no call refused".
    const own = await api(DEV_B, byEntity('refusals', '&range=1h&scope=user'));
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({
      scope: 'user',
      userId: 'bob',
      refusals: [],
      total: 0,
      message:
        "Limitador's metrics for this route carry no user labels, so your own refused calls cannot be told from " +
        "other people's. Ask the platform team to add a TelemetryPolicy with user and group labels (Kuadrant 1.3+).",
    });
  });

  it('puts the calls of a route without user labels in no cost row, and says how many there are', async () => {
    const res = await settled(() => api(ADMIN, '/costs'));
    expect(res.status).toBe(200);
    expect(res.body.priced).toBe(true);
    const entry = `${model.limitadorNamespace} (${tally.authorized} calls)`;
    const warning = res.body.warnings.find((w: string) =>
      w.startsWith('Calls without a user label are in no row: '),
    );
    expect(warning).toBeDefined();
    const listed = warning
      .replace('Calls without a user label are in no row: ', '')
      .split('. A TelemetryPolicy')[0]
      .split(', ');
    expect(listed).toContain(entry);
    expect(warning).toMatch(
      / A TelemetryPolicy on the Gateway adds the user and group labels \(Kuadrant 1\.3\+\)\.$/,
    );
    // No user or model row claims them.
    const ours = [DEV_A, DEV_B, 'jane', 'bob', model.entityRef];
    const claimed = (table: 'users' | 'models') =>
      res.body[table].filter((r: { ref: string }) => ours.includes(r.ref));
    expect(claimed('users')).toEqual([]);
    expect(claimed('models')).toEqual([]);
  });
});
