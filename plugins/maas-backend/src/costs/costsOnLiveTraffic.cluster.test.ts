/*
 * Per-user figures after real calls, on a Gateway with Kuadrant 1.3's TelemetryPolicy (user and group labels;
 * the harness plays it: the gateway sends the labels as wasm-shim does, Limitador labels its metrics with
 * them). Jane (team A) calls with a premium key, Bob (team B) with a free key until his refusal; Limitador's
 * counters and Prometheus' labelled series are compared with the tally, then each user's Usage, the admin's
 * Costs rows per user and per team, and the teams' budgets.
 */
import { Entity } from '@backstage/catalog-model';
import {
  eventually,
  harnessKubeConfig,
  limitadorCounters,
  promVector,
  serverSideApply,
  waitForGateway,
} from '@maas-portal/harness/testing';
import { BudgetReport, CostReport } from '@maas-portal/plugin-maas-common';
import request from 'supertest';
import { group, user } from '../__testUtils__/costFixtures';
import { modelComponent } from '../__testUtils__/harness';
import { readWhenSettled } from '../__testUtils__/livePrometheus';
import {
  CallTally,
  LIVE_TIERS,
  LiveModel,
  startLiveModel,
} from '../__testUtils__/liveTraffic';
import {
  ADMIN,
  as,
  DEV_A,
  DEV_B,
  TEAM_A,
  TEAM_B,
} from '../__testUtils__/testUsers';

jest.setTimeout(300_000);

/** Euros per call of each tier (maas.pricing below: per thousand requests). */
const PRICE = { free: 1, premium: 2 } as const;
const BUDGET = 100;
const JANE_CALLS = 3;

/** The labels MaaS's TelemetryPolicy sets on the Gateway (FACTS: Kuadrant 1.3). */
const telemetryPolicy = (namespace: string) => ({
  apiVersion: 'extensions.kuadrant.io/v1alpha1',
  kind: 'TelemetryPolicy',
  metadata: { name: 'user-labels', namespace },
  spec: {
    targetRef: {
      group: 'gateway.networking.k8s.io',
      kind: 'Gateway',
      name: 'gw',
    },
    metrics: {
      default: {
        labels: { user: 'auth.identity.userid', group: 'auth.identity.groups' },
      },
    },
  },
});

describe('per-user costs on live traffic through a Gateway with a TelemetryPolicy', () => {
  let model: LiveModel;
  let tally: CallTally;

  const api = (who: string, path: string) =>
    request(model.server).get(`/api/maas${path}`).set(as(who));
  const post = (who: string, path: string, body: object = {}) =>
    request(model.server).post(`/api/maas${path}`).set(as(who)).send(body);
  const byEntity = (what: string, query: string) =>
    `/models/by-entity/${what}?entityRef=${model.entityRef}${query}`;
  /** Calls with `key` until Authorino has seen its Secret (401 until then, which Limitador never counts). */
  const firstCall = (key: string, caller: string) =>
    eventually(
      async () => expect(await tally.call(key, caller)).toBe(200),
      20_000,
    );

  beforeAll(async () => {
    model = await startLiveModel({
      prefix: 'livecost',
      name: 'costsim',
      maas: {
        pricing: {
          currency: 'EUR',
          tiers: [
            { tier: 'free', perThousandRequests: PRICE.free * 1000 },
            { tier: 'premium', perThousandRequests: PRICE.premium * 1000 },
          ],
        },
        budgets: [
          { group: TEAM_A, monthly: BUDGET },
          { group: TEAM_B, monthly: BUDGET },
        ],
      },
      entities: ns => [
        modelComponent('costsim', `${ns}/costsim`, TEAM_A) as Entity,
        user('jane', ['team-a']),
        user('bob', ['team-b']),
        group('team-a', []),
        group('team-b', []),
      ],
    });
    tally = new CallTally(model);
    await serverSideApply(harnessKubeConfig())(telemetryPolicy(model.ns));
    // The labels reach the gateway before any call, so every counted call carries them.
    await waitForGateway(model.host, {
      limitadorNamespace: model.limitadorNamespace,
      metricLabels: ['user', 'group'],
    });
  }, 300_000);

  afterAll(async () => {
    await model?.stop();
  });

  it("labels Limitador's counts with each caller: its counters and Prometheus' series per user and tier equal the calls made", async () => {
    // Jane's premium key: asked for, approved by an admin (four eyes), revealed once.
    const asked = await post(DEV_A, '/keys/requests', {
      entityRef: model.entityRef,
      tier: 'premium',
      reason: 'per-user costs test',
    });
    expect(asked.status).toBe(201);
    const approved = await post(ADMIN, '/keys/requests/decisions', {
      ids: [asked.body.request.id],
      decision: 'approve',
    });
    expect(approved.body[0]).toMatchObject({ ok: true });
    const shown = await post(
      DEV_A,
      `/keys/${approved.body[0].request.keyId}/reveal`,
    );
    expect(shown.status).toBe(200);
    const janeKey: string = shown.body.value;
    await firstCall(janeKey, 'jane');
    for (let i = 1; i < JANE_CALLS; i++)
      expect(await tally.call(janeKey, 'jane')).toBe(200);

    // Bob's free key, issued at once: five calls within the tier, then the refusal.
    const bobs = await post(DEV_B, '/keys/requests', {
      entityRef: model.entityRef,
      tier: 'free',
      reason: 'per-user costs test',
    });
    expect(bobs.status).toBe(201);
    const bobKey: string = bobs.body.issued.value;
    await firstCall(bobKey, 'bob');
    const statuses = [];
    for (let i = 1; i <= LIVE_TIERS.free; i++)
      statuses.push(await tally.call(bobKey, 'bob'));
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    expect(tally.byCaller).toEqual({
      jane: { authorized: JANE_CALLS, limited: 0 },
      bob: { authorized: LIVE_TIERS.free, limited: 1 },
    });

    // Limitador's own counters, per user id.
    const counters = await limitadorCounters(model.limitadorNamespace);
    const remaining = Object.fromEntries(
      counters.map(c => [Object.values(c.set_variables).join(), c.remaining]),
    );
    expect(remaining).toEqual({
      jane: LIVE_TIERS.premium - JANE_CALLS,
      bob: 0,
    });

    // Prometheus' series, labelled by the TelemetryPolicy, once it has scraped every call.
    const ns = model.limitadorNamespace;
    const perUser = async (metric: string) =>
      (
        await promVector(
          `sum by (user, group) (last_over_time(${metric}{limitador_namespace="${ns}"}[1h]))`,
        )
      )
        .map(s => `${s.labels.user}/${s.labels.group}=${s.value}`)
        .sort();
    await eventually(
      async () => {
        expect(await perUser('authorized_calls')).toEqual([
          `bob/free=${LIVE_TIERS.free}`,
          `jane/premium=${JANE_CALLS}`,
        ]);
        expect(await perUser('limited_calls')).toEqual(['bob/free=1']);
        // Under a RateLimitPolicy Limitador counts one hit per served call.
        expect(await perUser('authorized_hits')).toEqual([
          `bob/free=${LIVE_TIERS.free}`,
          `jane/premium=${JANE_CALLS}`,
        ]);
      },
      60_000,
      500,
    );
  });

  it('shows each user only their own calls in Usage, and Bob his refusal', async () => {
    const usage = (who: string, scope: string) =>
      api(who, byEntity('usage', `&range=1h&scope=${scope}`));
    const totals = (series: Array<{ tier: string | null; total: number }>) =>
      Object.fromEntries(series.map(s => [s.tier, s.total]));
    const own: Record<
      string,
      {
        userId: string;
        authorized: Record<string, number>;
        limited: Record<string, number>;
      }
    > = {
      [DEV_A]: {
        userId: 'jane',
        authorized: { premium: JANE_CALLS },
        limited: {},
      },
      [DEV_B]: {
        userId: 'bob',
        authorized: { free: LIVE_TIERS.free },
        limited: { free: 1 },
      },
    };
    for (const who of [DEV_A, DEV_B]) {
      const res = await readWhenSettled(model, tally, () => usage(who, 'user'));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        state: 'calls',
        perUserLabels: true,
        scope: 'user',
        userId: own[who].userId,
        warnings: [],
      });
      expect(totals(res.body.authorized)).toEqual(own[who].authorized);
      expect(totals(res.body.limited)).toEqual(own[who].limited);
    }
    // The admin's view of the route holds both.
    const all = await readWhenSettled(model, tally, () => usage(ADMIN, 'all'));
    expect(totals(all.body.authorized)).toEqual({
      premium: JANE_CALLS,
      free: LIVE_TIERS.free,
    });

    const refusals = await api(
      DEV_B,
      byEntity('refusals', '&range=1h&scope=user'),
    );
    expect(refusals.status).toBe(200);
    expect(refusals.body).toMatchObject({
      scope: 'user',
      userId: 'bob',
      total: 1,
    });
    const janes = await api(
      DEV_A,
      byEntity('refusals', '&range=1h&scope=user'),
    );
    expect(janes.body).toMatchObject({
      scope: 'user',
      userId: 'jane',
      total: 0,
    });
  });

  it("gives the admin Costs rows per user and per team of calls × the tier's price, team budgets spent as much, and refuses the developers", async () => {
    const jane = JANE_CALLS * PRICE.premium;
    const bob = LIVE_TIERS.free * PRICE.free;
    const res = await readWhenSettled(model, tally, () => api(ADMIN, '/costs'));
    expect(res.status).toBe(200);
    const report = res.body as CostReport;
    const row = (table: 'users' | 'groups' | 'models', ref: string) => {
      const found = report[table].find(r => r.ref === ref);
      return found && { calls: found.calls, cost: found.cost };
    };
    expect(row('users', DEV_A)).toEqual({ calls: JANE_CALLS, cost: jane });
    expect(row('users', DEV_B)).toEqual({ calls: LIVE_TIERS.free, cost: bob });
    expect(row('groups', TEAM_A)).toEqual({ calls: JANE_CALLS, cost: jane });
    expect(row('groups', TEAM_B)).toEqual({
      calls: LIVE_TIERS.free,
      cost: bob,
    });
    expect(row('models', model.entityRef)).toEqual({
      calls: JANE_CALLS + LIVE_TIERS.free,
      cost: jane + bob,
    });
    // The route's calls carry user labels: none is left out of the rows (other routes of the harness are).
    const unlabelled = report.warnings.find(w =>
      w.startsWith('Calls without a user label are in no row: '),
    );
    expect(unlabelled ?? '').not.toContain(`${model.limitadorNamespace} (`);

    const budgets = await readWhenSettled(model, tally, () =>
      api(ADMIN, '/costs/budgets'),
    );
    expect(budgets.status).toBe(200);
    expect(
      (budgets.body as BudgetReport).budgets.map(b => ({
        group: b.group,
        spend: b.spend,
        share: b.share,
      })),
    ).toEqual([
      { group: TEAM_A, spend: jane, share: jane / BUDGET },
      { group: TEAM_B, spend: bob, share: bob / BUDGET },
    ]);

    for (const developer of [DEV_A, DEV_B]) {
      const refused = await api(developer, '/costs');
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toMatch(
        /^Costs are shown to admins \(the maas\.costs\.read permission\) and to team leads/,
      );
    }
  });
});
