import {
  countedInWindow,
  harnessEnv,
  harnessKubeConfig,
  harnessMetrics,
  parseCsv,
} from '@maas-portal/harness/testing';
import { CostReport, CostRow } from '@maas-portal/plugin-maas-common';
import request from 'supertest';
import {
  COST_TEAMS,
  costCatalog,
  costPricing,
  LEAD,
} from '../__testUtils__/costFixtures';
import { applyDatasetRoutes } from '../__testUtils__/datasetPolicies';
import { expectedCost, truthLines } from '../__testUtils__/costTruth';
import {
  startMaasBackend,
  TestBackendServer,
} from '../__testUtils__/startMaasBackend';
import {
  ADMIN,
  as,
  DEV_A,
  DEV_B,
  examplePolicy,
  usersInfo,
} from '../__testUtils__/testUsers';
import { mockServices } from '@backstage/backend-test-utils';

jest.setTimeout(60_000);

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const cents = (x: number) => Math.round(x * 100) / 100;

describe('GET /costs over HTTP, with three users and a team lead', () => {
  let server: TestBackendServer;
  let summary: ReturnType<typeof harnessMetrics>;
  let range: string;
  let removeRoutes: () => Promise<void>;
  /** Routes under both a RateLimitPolicy and a TokenRateLimitPolicy: Limitador counts each call twice. */
  let both: string[];

  beforeAll(async () => {
    summary = harnessMetrics();
    both = summary.routes
      .filter(r => r.requestAndTokenLimits)
      .map(r => r.limitadorNamespace);
    // The cluster holds the policies the data was counted under: the backend reads them.
    removeRoutes = await applyDatasetRoutes(harnessKubeConfig(), summary);
    range = `start=${iso(summary.startTime)}&end=${iso(summary.endTime)}`;
    server = await startMaasBackend({
      features: [
        mockServices.permissions.mock({
          authorize: examplePolicy({}),
        }).factory,
        usersInfo().factory,
      ],
      entities: costCatalog(),
      maas: {
        prometheus: { url: harnessEnv('MAAS_HARNESS_PROMETHEUS_URL') },
        pricing: costPricing,
      },
    });
  }, 400_000);

  afterAll(() => removeRoutes?.());

  /** The calls of the data's series with user labels from `start` to `end`, each call once. */
  const callsOnce = (count: (s: (typeof summary.series)[number]) => number) =>
    summary.series
      .filter(
        s =>
          s.metric === 'authorized_calls' &&
          s.labels.user &&
          !both.includes(s.labels.limitador_namespace),
      )
      .reduce((n, s) => n + count(s), 0);

  const get = (path: string, user: string) =>
    request(server).get(`/api/maas${path}`).set(as(user));

  it('gives an admin every team, a team lead their own, and refuses the two developers with a sentence', async () => {
    const admin = await get(`/costs?${range}`, ADMIN);
    expect(admin.status).toBe(200);
    const all = admin.body as CostReport;
    expect(all.scope).toBe('all');
    expect(all.groups.map(g => g.ref)).toEqual(
      expect.arrayContaining(Object.keys(COST_TEAMS)),
    );
    // Where two policies count a call, it is counted once: the data's served calls there.
    expect(all.total.calls).toBe(
      callsOnce(s => s.valuesAtCheckpoints.at(-1)! - s.valuesAtCheckpoints[0]) +
        both.reduce((n, ns) => n + summary.servedCalls![ns]._all, 0),
    );

    const lead = await get(`/costs?${range}`, LEAD);
    expect(lead.status).toBe(200);
    expect((lead.body as CostReport).groups.map(g => g.ref).sort()).toEqual([
      'group:default/research',
      'group:default/team-a',
    ]);

    for (const user of [DEV_A, DEV_B]) {
      for (const path of [`/costs?${range}`, '/costs/export?table=users']) {
        const refused = await get(path, user);
        expect(refused.status).toBe(403);
        expect(refused.body.error.message).toMatch(
          /^Costs are shown to admins \(the maas\.costs\.read permission\) and to team leads/,
        );
      }
    }
  });

  it("on Kuadrant-1.3-shaped backfilled data: counts the calls and tokens of a route the cluster puts under both policies once, exactly the data's served calls and counted tokens", async () => {
    const report = (await get(`/costs?${range}`, ADMIN)).body as CostReport;
    expect(both.length).toBeGreaterThan(0);
    for (const ns of both) {
      const row = report.models.find(r => r.ref === ns)!;
      expect(row).toMatchObject({
        calls: summary.servedCalls![ns]._all,
        tokens: summary.countedTokens![ns]._all,
      });
      for (const user of summary.routes.find(r => r.limitadorNamespace === ns)!
        .users) {
        const userRow = report.users.find(
          r => r.ref === `user:default/${user}`,
        )!;
        // A user's row holds their calls on every route: authorized_calls elsewhere, the calls
        // served on this one.
        const elsewhere = callsOnce(s =>
          s.labels.user === user
            ? s.valuesAtCheckpoints.at(-1)! - s.valuesAtCheckpoints[0]
            : 0,
        );
        expect(userRow.calls).toBe(elsewhere + summary.servedCalls![ns][user]);
      }
    }
    // The routes under a TokenRateLimitPolicy only count their tokens as authorized_hits.
    expect(report.warnings.join(' ')).not.toMatch(/counts no tokens/);
  });

  it.each(['users', 'groups', 'systems', 'models'] as const)(
    'downloads the %s table as CSV with the same rows and numbers as the JSON',
    async table => {
      for (const user of [ADMIN, LEAD]) {
        const json = (await get(`/costs?${range}`, user)).body as CostReport;
        const csv = await get(`/costs/export?table=${table}&${range}`, user);
        expect(csv.status).toBe(200);
        expect(csv.type).toBe('text/csv');
        expect(csv.headers['content-disposition']).toMatch(
          new RegExp(`attachment; filename="maas-costs-.*-${table}\\.csv"`),
        );
        const [header, ...rows] = parseCsv(csv.text);
        expect(header).toEqual([
          'ref',
          'title',
          'calls',
          'tokens',
          'cost',
          'currency',
          'users',
          'groups',
        ]);
        const expected = json[table].map((r: CostRow) => [
          r.ref,
          r.title,
          String(r.calls),
          String(r.tokens),
          r.cost === null ? '' : r.cost.toFixed(2),
          'EUR',
          r.users === undefined ? '' : String(r.users),
          r.groups?.join(' ') ?? '',
        ]);
        expect(rows).toEqual(expected);
        expect(rows.length).toBeGreaterThan(0);
      }
    },
  );

  it('answers a calendar month: the one holding the data, counted exactly as the data counts it', async () => {
    const month = iso(summary.endTime).slice(0, 7);
    const res = await get(`/costs?month=${month}`, ADMIN);
    expect(res.status).toBe(200);
    const report = res.body as CostReport;
    expect(report.month).toBe(month);
    expect(report.timeZone).toBe('UTC');
    expect(iso(report.start)).toBe(`${month}-01T00:00:00.000Z`);
    // Other test files' calls through the gateway fall in this month too, on their own routes (with a
    // TelemetryPolicy's user labels: costsOnLiveTraffic): the data's routes are what is counted here.
    const dataRoutes = new Set(summary.routes.map(r => r.limitadorNamespace));
    const otherCalls = report.models
      .filter(r => !r.ref.startsWith('component:') && !dataRoutes.has(r.ref))
      .reduce((n, r) => n + r.calls, 0);
    // The month ends now, after the data: each series counts up to its last sample, and from 0 when
    // the month starts before the data (its value before the data included).
    // Under two policies, the calls before the data too, once each.
    expect(report.total.calls - otherCalls).toBe(
      callsOnce(s => countedInWindow(summary, s, report.start, report.end)) +
        both.reduce(
          (n, ns) =>
            n +
            summary.servedCalls![ns]._all +
            summary.servedCallsBeforeData![ns]._all,
          0,
        ),
    );
  });

  it("with maas.costs.timeZone Asia/Kolkata: this month starts 5 h 30 min before UTC's, and its figures and budgets are the data's over exactly that range", async () => {
    const kolkata = await startMaasBackend({
      features: [
        mockServices.permissions.mock({
          authorize: examplePolicy({}),
        }).factory,
        usersInfo().factory,
      ],
      entities: costCatalog(),
      maas: {
        prometheus: { url: harnessEnv('MAAS_HARNESS_PROMETHEUS_URL') },
        pricing: costPricing,
        costs: { timeZone: 'Asia/Kolkata' },
        budgets: [{ group: 'group:default/team-a', monthly: 100 }],
      },
    });
    // Asked at once after the start: the report waits for the backend's watch caches to hold the
    // routes' policies (ClusterState.firstRead), so its first figures already count by their limits.
    const res = await request(kolkata).get('/api/maas/costs').set(as(ADMIN));
    expect(res.status).toBe(200);
    const report = res.body as CostReport;
    // Kolkata is UTC+05:30 all year: its month is UTC's month of the time 5 h 30 min later.
    const offset = 5.5 * 3600;
    const month = iso(Date.now() / 1000 + offset).slice(0, 7);
    expect(report).toMatchObject({ month, timeZone: 'Asia/Kolkata' });
    // Its start is UTC's midnight of the 1st less 5 h 30 min (the UTC backend's month: above).
    expect(iso(report.start + offset)).toBe(`${month}-01T00:00:00.000Z`);

    // Every user of the data: calls, tokens and cost over exactly [start, end] of the Kolkata month.
    const lines = truthLines(summary, report.start, report.end);
    expect(lines.length).toBeGreaterThan(0);
    for (const name of new Set(lines.map(l => l.user))) {
      const mine = lines.filter(l => l.user === name);
      expect(
        report.users.find(r => r.ref === `user:default/${name}`),
      ).toMatchObject({
        calls: sum(mine.map(l => l.calls)),
        tokens: sum(mine.map(l => l.tokens)),
        cost: cents(sum(mine.map(expectedCost))),
      });
    }

    // The budgets answer names the zone and runs to the next Kolkata midnight on the 1st; a team's
    // spend is its row of that month.
    const budgets = await request(kolkata)
      .get('/api/maas/costs/budgets')
      .set(as(ADMIN));
    expect(budgets.status).toBe(200);
    const [nextYear, nextMonth] = month.split('-').map(Number);
    expect(budgets.body).toMatchObject({
      month,
      timeZone: 'Asia/Kolkata',
      start: report.start,
      monthEnd: Date.UTC(nextYear, nextMonth, 1) / 1000 - offset,
    });
    const teamA = COST_TEAMS['group:default/team-a'];
    expect(budgets.body.budgets[0]).toMatchObject({
      group: 'group:default/team-a',
      spend: cents(
        sum(lines.filter(l => teamA.includes(l.user)).map(expectedCost)),
      ),
    });
  });

  it('says what is wrong with a bad range, in a 400', async () => {
    for (const [query, message] of [
      ['month=2026-13', /month "2026-13" is not a month: give YYYY-MM/],
      ['start=2026-11-01', /needs both start and end/],
      ['start=yesterday&end=2026-11-02', /start "yesterday" is not a date/],
      ['start=2026-11-02&end=2026-11-01', /start must be before end/],
      [
        'month=2026-11&start=2026-11-01&end=2026-11-02',
        /either month or start and end/,
      ],
      ['start=2024-01-01&end=2026-11-01', /at most 367 days/],
      ['month=2999-01', /has not started yet/],
    ] as const) {
      const res = await get(`/costs?${query}`, ADMIN);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(message);
    }
    const table = await get('/costs/export?table=teams', ADMIN);
    expect(table.status).toBe(400);
    expect(table.body.error.message).toBe(
      'table must be one of users, groups, systems, models',
    );
  });
});
