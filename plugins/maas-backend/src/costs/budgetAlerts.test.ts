import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  CostReport,
  MAAS_TEAM_LEADS_ANNOTATION,
} from '@maas-portal/plugin-maas-common';
import { KeyDatabase } from '../keys/store/KeyDatabase';
import { MaasNotifier } from '../notifications/MaasNotifier';
import { checkBudgets } from './budgetAlerts';
import { BudgetService } from './BudgetService';
import { CostService } from './CostService';

const NOW = Date.UTC(2026, 11, 7, 12) / 1000;
const LEAD_A = 'user:default/ann';

/** This month's Costs report with team A's and team B's rows at the spend a pass sees. */
const reportWith = (spendA: number): CostReport => ({
  start: Date.UTC(2026, 11, 1) / 1000,
  end: NOW,
  month: '2026-12',
  timeZone: 'UTC',
  scope: 'all',
  priced: true,
  currency: 'EUR',
  decimals: 2,
  users: [],
  groups: [
    {
      ref: 'group:default/team-a',
      title: 'Team A',
      calls: 1,
      tokens: 1,
      cost: spendA,
      users: 1,
    },
    {
      ref: 'group:default/team-b',
      title: 'Team B',
      calls: 1,
      tokens: 1,
      cost: 95,
      users: 1,
    },
    {
      ref: 'group:default/research',
      title: 'Research',
      calls: 1,
      tokens: 1,
      cost: 100,
      users: 1,
    },
  ],
  systems: [],
  models: [],
  total: { calls: 3, tokens: 3, cost: spendA + 195 },
  warnings: [],
});

const group = (name: string, annotations: Record<string, string> = {}) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'team', children: [] },
});

/**
 * Several passes of the check over a month whose spend moves, with the real once-guard (the
 * plugin's migrations on SQLite). Two edges: the Costs report (its figures against the harness's
 * Prometheus are budgets.cluster.test.ts's) and the notification service (the notifications
 * backend itself runs there too); what this unit decides is what is sent, to whom and how often.
 */
describe('checkBudgets', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  async function bed() {
    const knex = await databases.init('SQLITE_3');
    await KeyDatabase.migrate(knex);
    const notifications = { send: jest.fn(async () => undefined) };
    const logger = mockServices.logger.mock();
    let spendA = 0;
    const costs = {
      report: async () => reportWith(spendA),
    } as unknown as CostService;
    const budgets = new BudgetService({
      costs,
      budgets: [
        { group: 'group:default/team-a', monthly: 100 },
        // Team B has no lead; research is not in the catalog.
        { group: 'group:default/team-b', monthly: 100 },
        { group: 'group:default/research', monthly: 100 },
      ],
    });
    const check = () =>
      checkBudgets({
        budgets,
        catalog: catalogServiceMock({
          entities: [
            group('team-a', { [MAAS_TEAM_LEADS_ANNOTATION]: LEAD_A }),
            group('team-b'),
          ],
        }),
        notifier: new MaasNotifier({ notifications, logger, db: knex }),
        credentials: mockCredentials.service(),
        logger,
        timeZone: 'UTC',
        nowSeconds: NOW,
      });
    return {
      notifications,
      logger,
      check,
      spend: (x: number) => {
        spendA = x;
      },
    };
  }

  it('tells the leads once at 80 % and once at 100 % in a month, however many passes see it', async () => {
    const { notifications, check, spend } = await bed();
    spend(79.99);
    expect(
      (await check()).filter(a => a.group === 'group:default/team-a'),
    ).toEqual([]);
    spend(80);
    expect(await check()).toContainEqual({
      group: 'group:default/team-a',
      month: '2026-12',
      reached: 0.8,
      leads: [LEAD_A],
      result: 'sent',
    });
    spend(99);
    expect(
      (await check()).find(a => a.group === 'group:default/team-a')!.result,
    ).toBe('already-sent');
    spend(130);
    expect(
      (await check()).find(a => a.group === 'group:default/team-a'),
    ).toMatchObject({ reached: 1, result: 'sent' });
    expect(
      (await check()).find(a => a.group === 'group:default/team-a'),
    ).toMatchObject({ reached: 1, result: 'already-sent' });

    expect(notifications.send).toHaveBeenCalledTimes(2);
    const [first, second] = notifications.send.mock.calls.map(
      c => (c as unknown as [any])[0],
    );
    expect(first).toEqual({
      recipients: { type: 'entity', entityRef: [LEAD_A] },
      payload: {
        title:
          'Team A has spent 80 % of its budget for 2026-12: €80.00 of €100.00 (80 %)',
        description:
          'A soft budget: calls are not blocked. The Costs page shows who and which models spent it.',
        link: '/maas/costs',
        severity: 'normal',
        topic: 'maas-budgets',
        scope: 'maas-budget:group:default/team-a:2026-12',
      },
    });
    expect(second.payload).toMatchObject({
      title:
        'Team A has spent its budget for 2026-12: €130.00 of €100.00 (130 %)',
      severity: 'high',
      scope: 'maas-budget:group:default/team-a:2026-12',
    });
  });

  it('sends only the higher threshold when a team passes both between two checks', async () => {
    const { notifications, check, spend } = await bed();
    spend(150);
    await check();
    spend(151);
    await check();
    expect(notifications.send).toHaveBeenCalledTimes(1);
    expect(
      (notifications.send.mock.calls[0] as unknown as [any])[0].payload.title,
    ).toMatch(/^Team A has spent its budget/);
  });

  it('tells nobody about a group without a team lead, or one the catalog lacks, and logs why', async () => {
    const { notifications, logger, check } = await bed();
    // Team B is at 95 % and research at 100 % in every pass; team A has spent nothing.
    const alerts = await check();
    expect(alerts).toEqual([]);
    expect(notifications.send).not.toHaveBeenCalled();
    expect(logger.warn).toHaveBeenCalledWith(
      `Budget of group:default/team-b: 95 % spent in 2026-12, but nobody is told: the Group names no team lead (annotation ${MAAS_TEAM_LEADS_ANNOTATION})`,
    );
    expect(logger.warn).toHaveBeenCalledWith(
      `Budget of group:default/research: 100 % spent in 2026-12, but nobody is told: the Group names no team lead (annotation ${MAAS_TEAM_LEADS_ANNOTATION}), or the catalog has no such Group`,
    );
  });
});
