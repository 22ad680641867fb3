import { CostReport } from '@maas-portal/plugin-maas-common';
import { budgetReport, reachedThreshold } from './budgetReport';

/** A month's Costs report as buildCostReport gives it: only what budgets read is filled in. */
const report = (over: Partial<CostReport> = {}): CostReport => ({
  start: Date.UTC(2026, 11, 1) / 1000,
  end: Date.UTC(2026, 11, 7, 12) / 1000,
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
      calls: 10,
      tokens: 100,
      cost: 400,
      users: 2,
    },
    {
      ref: 'group:default/team-b',
      title: 'Team B',
      calls: 5,
      tokens: 50,
      cost: 79.99,
      users: 1,
    },
    {
      ref: 'group:default/unpriced',
      title: 'Unpriced',
      calls: 5,
      tokens: 50,
      cost: null,
      users: 1,
    },
  ],
  systems: [],
  models: [],
  total: { calls: 20, tokens: 200, cost: 479.99 },
  warnings: ['a warning of the month'],
  source: { kind: 'raw', detail: 'Counted from the raw counters.' },
  ...over,
});

const budgets = [
  { group: 'group:default/team-b', monthly: 100 },
  { group: 'group:default/team-a', monthly: 400 },
  { group: 'group:default/quiet', monthly: 50 },
  { group: 'group:default/unpriced', monthly: 50 },
];

describe('budgetReport', () => {
  it("holds each budgeted group's row cost against its amount, in maas.budgets order, with the month's bounds and warnings", () => {
    const result = budgetReport(report(), budgets);
    expect(result).toEqual({
      month: '2026-12',
      timeZone: 'UTC',
      start: Date.UTC(2026, 11, 1) / 1000,
      end: Date.UTC(2026, 11, 7, 12) / 1000,
      monthEnd: Date.UTC(2027, 0, 1) / 1000,
      scope: 'all',
      currency: 'EUR',
      decimals: 2,
      budgets: [
        {
          group: 'group:default/team-b',
          title: 'Team B',
          monthly: 100,
          spend: 79.99,
          share: 79.99 / 100,
          users: 1,
        },
        {
          group: 'group:default/team-a',
          title: 'Team A',
          monthly: 400,
          spend: 400,
          share: 1,
          reached: 1,
          users: 2,
        },
        // Nobody in it called: nothing spent, titled by its ref (the report has no row for it).
        {
          group: 'group:default/quiet',
          title: 'group:default/quiet',
          monthly: 50,
          spend: 0,
          share: 0,
          users: 0,
        },
        // No price applied to its calls: nothing spent, and the report's warnings say which.
        {
          group: 'group:default/unpriced',
          title: 'Unpriced',
          monthly: 50,
          spend: 0,
          share: 0,
          users: 1,
        },
      ],
      warnings: ['a warning of the month'],
      source: { kind: 'raw', detail: 'Counted from the raw counters.' },
    });
  });

  it("shows a team lead only the budgets of the groups they lead, as the month's report does", () => {
    const led = budgetReport(
      report({ scope: 'groups', ledGroups: ['group:default/team-a'] }),
      budgets,
    );
    expect(led.budgets.map(b => b.group)).toEqual(['group:default/team-a']);
  });

  it('refuses a report of a custom range: budgets are kept per calendar month', () => {
    expect(() => budgetReport(report({ month: undefined }), budgets)).toThrow(
      /per calendar month/,
    );
  });

  it('names the highest threshold reached, from 80 % on', () => {
    expect(reachedThreshold(0.7999)).toBeUndefined();
    expect(reachedThreshold(0.8)).toBe(0.8);
    expect(reachedThreshold(0.9999)).toBe(0.8);
    expect(reachedThreshold(1)).toBe(1);
    expect(reachedThreshold(3.5)).toBe(1);
  });

  it("ends a month at the next one's local midnight, in the report's zone", () => {
    expect(budgetReport(report(), budgets).monthEnd).toBe(
      Date.UTC(2027, 0, 1) / 1000,
    );
    const kolkata = budgetReport(
      report({
        month: '2026-12',
        timeZone: 'Asia/Kolkata',
        start: Date.UTC(2026, 10, 30, 18, 30) / 1000,
      }),
      budgets,
    );
    expect(kolkata).toMatchObject({
      timeZone: 'Asia/Kolkata',
      start: Date.UTC(2026, 10, 30, 18, 30) / 1000,
      monthEnd: Date.UTC(2026, 11, 31, 18, 30) / 1000,
    });
  });
});
