import {
  SchedulerService,
  ServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import notificationsPlugin from '@backstage/plugin-notifications-backend';
import {
  harnessEnv,
  harnessKubeConfig,
  harnessMetrics,
} from '@maas-portal/harness/testing';
import {
  BudgetReport,
  CostReport,
  MAAS_TEAM_LEADS_ANNOTATION,
} from '@maas-portal/plugin-maas-common';
import request from 'supertest';
import {
  COST_TEAMS,
  costCatalog,
  costPricing,
  LEAD,
} from '../__testUtils__/costFixtures';
import { expectedCost, truthLines } from '../__testUtils__/costTruth';
import { applyDatasetRoutes } from '../__testUtils__/datasetPolicies';
import {
  startMaasBackend,
  TestBackendServer,
} from '../__testUtils__/startMaasBackend';
import {
  ADMIN,
  as,
  examplePolicy,
  usersInfo,
} from '../__testUtils__/testUsers';
import { BUDGET_TASK_ID } from './budgetAlerts';

jest.setTimeout(90_000);

/** A member of team B who leads it (the annotation on team-b names them). */
const LEAD_B = 'user:default/premiumuser2';
/** A developer of team A who leads nothing. */
const DEV_A = 'user:default/freeuser1';
const TEAM_A = 'group:default/team-a';
const TEAM_B = 'group:default/team-b';
const RESEARCH = 'group:default/research';
/** A budgeted group nobody in the data belongs to: no Costs row, its title from the catalog. */
const QUIET = 'group:default/quiet';

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const cents = (x: number) => Math.round(x * 100) / 100;
const euros = (x: number) =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency: 'EUR' }).format(
    x,
  );

/** The notifications a user reads from the notifications backend's own REST API. */
async function notificationsOf(server: TestBackendServer, user: string) {
  const res = await request(server)
    .get('/api/notifications/notifications')
    .set(as(user));
  expect(res.status).toBe(200);
  return (
    res.body.notifications as Array<{
      payload: {
        title: string;
        description?: string;
        link?: string;
        topic?: string;
        severity?: string;
      };
    }>
  ).filter(n => n.payload.topic === 'maas-budgets');
}

/**
 * Budgets per team on the harness's backfilled data, through the plugin as an app runs it: the
 * route, the scheduled check (triggered by hand here) and the real notifications backend, read per
 * user. Each team's spend this month is computed here from the data's raw series and the price
 * sheet, and the budgets are set around it: team A above 100 %, team B at 85 %, research at 50 %.
 */
describe('budgets per team (maas.budgets) on the harness data', () => {
  let server: TestBackendServer;
  let removeRoutes: () => Promise<void>;
  // The mock scheduler (MockSchedulerService, typed as a plain SchedulerService): its factory
  // installs it, and triggerTask runs the plugin's task when the test says.
  const scheduler = mockServices.scheduler() as SchedulerService & {
    factory(options: { skipTaskRunOnStartup: boolean }): ServiceFactory;
  };
  /** The month of the data (this month) and what each team spent in it, to the cent. */
  let month: string;
  let spend: Record<string, number>;
  let budgets: Array<{ group: string; monthly: number }>;

  beforeAll(async () => {
    const summary = harnessMetrics();
    month = new Date().toISOString().slice(0, 7);
    const monthStart = Date.parse(`${month}-01T00:00:00Z`) / 1000;
    // The month counts up to now: the data's last sample is its last count.
    const lines = truthLines(summary, monthStart, summary.endTime);
    const teams = Object.entries(COST_TEAMS).map(([group, members]) => {
      const theirs = lines.filter(l => members.includes(l.user));
      return [group, theirs] as const;
    });
    spend = Object.fromEntries(
      teams.map(([g, theirs]) => [g, cents(sum(theirs.map(expectedCost)))]),
    );
    // Every team spent something this month, or the thresholds below would mean nothing.
    const idle = [TEAM_A, TEAM_B, RESEARCH].filter(g => !(spend[g] > 0));
    if (idle.length > 0)
      throw new Error(
        `the harness data holds no priced calls this month for ${idle.join(
          ', ',
        )}`,
      );
    budgets = [
      { group: TEAM_A, monthly: spend[TEAM_A] * 0.9 },
      { group: TEAM_B, monthly: spend[TEAM_B] / 0.85 },
      { group: RESEARCH, monthly: spend[RESEARCH] * 2 },
      { group: QUIET, monthly: 10 },
    ];
    removeRoutes = await applyDatasetRoutes(harnessKubeConfig(), summary);
    const quiet: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: 'quiet', namespace: 'default', title: 'Quiet team' },
      spec: { type: 'team', children: [] },
    };
    const entities: Entity[] = costCatalog([quiet]).map(e =>
      e.metadata.name === 'team-b'
        ? {
            ...e,
            metadata: {
              ...e.metadata,
              annotations: { [MAAS_TEAM_LEADS_ANNOTATION]: LEAD_B },
            },
          }
        : e,
    );
    server = await startMaasBackend({
      features: [
        mockServices.permissions.mock({ authorize: examplePolicy({}) }).factory,
        usersInfo().factory,
        // The check runs when the test triggers it, not on a timer.
        scheduler.factory({ skipTaskRunOnStartup: true }),
        notificationsPlugin,
      ],
      entities,
      maas: {
        prometheus: { url: harnessEnv('MAAS_HARNESS_PROMETHEUS_URL') },
        pricing: costPricing,
        budgets,
      },
      // The notifications backend links to the app.
      config: { app: { baseUrl: 'http://localhost:3000' } },
    });
  }, 400_000);

  afterAll(() => removeRoutes?.());

  const get = (path: string, user: string) =>
    request(server).get(`/api/maas${path}`).set(as(user));

  it("shows an admin every team's spend this month to the cent against its budget, the share and the threshold reached: the Costs page's row for the month", async () => {
    const res = await get('/costs/budgets', ADMIN);
    expect(res.status).toBe(200);
    const report = res.body as BudgetReport;
    expect(report.month).toBe(month);
    expect(report.currency).toBe('EUR');
    expect(new Date(report.start * 1000).toISOString()).toBe(
      `${month}-01T00:00:00.000Z`,
    );
    const expected = budgets.map(({ group, monthly }) => {
      const spent = spend[group] ?? 0;
      return expect.objectContaining({
        group,
        monthly,
        spend: spent,
        share: spent / monthly,
        ...(group === TEAM_A ? { reached: 1 } : {}),
        ...(group === TEAM_B ? { reached: 0.8 } : {}),
      });
    });
    expect(report.budgets).toEqual(expected);
    expect(report.budgets.find(b => b.group === RESEARCH)!.reached).toBe(
      undefined,
    );
    expect(report.budgets.find(b => b.group === TEAM_B)!.share).toBeCloseTo(
      0.85,
      6,
    );
    // The same figures as the Costs page's group rows for the month; nobody of the quiet group called.
    const costs = (await get(`/costs?month=${month}`, ADMIN))
      .body as CostReport;
    for (const budget of report.budgets.filter(b => b.group !== QUIET)) {
      const row = costs.groups.find(g => g.ref === budget.group)!;
      expect(budget).toMatchObject({ spend: row.cost, users: row.users });
    }
    expect(report.budgets.find(b => b.group === QUIET)).toMatchObject({
      title: 'Quiet team',
      spend: 0,
      share: 0,
      users: 0,
    });
  });

  it('shows a team lead the budgets of the groups they lead only, and refuses a developer who leads none', async () => {
    const lead = (await get('/costs/budgets', LEAD)).body as BudgetReport;
    expect(lead.scope).toBe('groups');
    expect(lead.budgets.map(b => b.group)).toEqual([TEAM_A, RESEARCH]);
    expect(lead.budgets.find(b => b.group === TEAM_A)!.spend).toBe(
      spend[TEAM_A],
    );
    const leadB = (await get('/costs/budgets', LEAD_B)).body as BudgetReport;
    expect(leadB.budgets.map(b => b.group)).toEqual([TEAM_B]);
    const dev = await get('/costs/budgets', DEV_A);
    expect(dev.status).toBe(403);
    expect(dev.body.error.message).toMatch(
      /^Costs are shown to admins \(the maas\.costs\.read permission\) and to team leads/,
    );
  });

  it('answers a past month or a bad one, and refuses a custom range: budgets are per calendar month', async () => {
    const bad = await get('/costs/budgets?month=2026-13', ADMIN);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/month "2026-13" is not a month/);
    const range = await get(
      '/costs/budgets?start=2026-11-01&end=2026-11-02',
      ADMIN,
    );
    expect(range.status).toBe(400);
    expect(range.body.error.message).toMatch(
      /^Budgets are kept per calendar month: give month=YYYY-MM/,
    );
    const future = await get('/costs/budgets?month=2999-01', ADMIN);
    expect(future.status).toBe(400);
  });

  it("tells team A's lead it spent its budget and team B's lead it spent 80 %, once each however often the check runs, and nobody else", async () => {
    await scheduler.triggerTask(BUDGET_TASK_ID);
    await scheduler.triggerTask(BUDGET_TASK_ID);

    const toLead = await notificationsOf(server, LEAD);
    expect(toLead).toHaveLength(1);
    expect(toLead[0].payload).toMatchObject({
      title: expect.stringMatching(
        new RegExp(
          `has spent its budget for ${month}: €[\\d,.]+ of €[\\d,.]+ \\(111 %\\)$`,
        ),
      ),
      description: expect.stringMatching(
        /^A soft budget: calls are not blocked/,
      ),
      link: '/maas/costs',
      severity: 'high',
    });
    expect(toLead[0].payload.title).toContain(`${euros(spend[TEAM_A])} of`);

    const toLeadB = await notificationsOf(server, LEAD_B);
    expect(toLeadB).toHaveLength(1);
    expect(toLeadB[0].payload).toMatchObject({
      title: expect.stringMatching(
        new RegExp(`has spent 80 % of its budget for ${month}: .* \\(85 %\\)$`),
      ),
      link: '/maas/costs',
      severity: 'normal',
    });

    // A developer of team A (not a lead) and the admin get nothing; research has no lead of its own.
    expect(await notificationsOf(server, DEV_A)).toEqual([]);
    expect(await notificationsOf(server, ADMIN)).toEqual([]);
  });
});
