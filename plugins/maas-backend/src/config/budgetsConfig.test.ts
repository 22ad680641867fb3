import { ConfigReader } from '@backstage/config';
import { readBudgetsConfig } from './budgetsConfig';
import { readPricingConfig } from './pricingConfig';
import { readMaasConfig } from './MaasConfig';

const pricing = readPricingConfig(
  new ConfigReader({
    pricing: {
      currency: 'EUR',
      tiers: [{ tier: 'free', perMillionTokens: 1 }],
    },
  }),
  ['free'],
);
const read = (budgets: unknown) =>
  readBudgetsConfig(new ConfigReader({ budgets } as any), pricing);

describe('maas.budgets', () => {
  it('is optional: without it no team has a budget, with or without prices', () => {
    expect(readBudgetsConfig(new ConfigReader({}), undefined)).toEqual([]);
    expect(readBudgetsConfig(new ConfigReader({}), pricing)).toEqual([]);
  });

  it('reads a monthly amount per Group, a number or a numeric string', () => {
    expect(
      read([
        { group: 'group:default/team-a', monthly: 500 },
        { group: 'group:research/ml', monthly: '12.5' },
      ]),
    ).toEqual([
      { group: 'group:default/team-a', monthly: 500 },
      { group: 'group:research/ml', monthly: 12.5 },
    ]);
  });

  it.each([
    [
      [{ group: 'team-a', monthly: 1 }],
      /^maas\.budgets\[0\]\.group must be a Group's entity ref, group:<namespace>\/<name> .*got "team-a"/,
    ],
    [
      [{ group: 'user:default/jane', monthly: 1 }],
      /^maas\.budgets\[0\]\.group must be a Group's entity ref/,
    ],
    [
      [{ monthly: 1 }],
      /^maas\.budgets\[0\]\.group must be a Group's entity ref.*got undefined/,
    ],
    [
      [
        { group: 'group:default/team-a', monthly: 1 },
        { group: 'group:default/team-a', monthly: 2 },
      ],
      /^maas\.budgets\[1\]\.group: group:default\/team-a has two budgets; keep one entry/,
    ],
    [
      [{ group: 'group:default/team-a', monthly: -5 }],
      /^maas\.budgets\[0\]\.monthly must be an amount above 0 in maas\.pricing\.currency \(EUR\), got -5/,
    ],
    [
      [{ group: 'group:default/team-a', monthly: 0 }],
      /^maas\.budgets\[0\]\.monthly must be an amount above 0/,
    ],
    [
      [{ group: 'group:default/team-a', monthly: 'lots' }],
      /^maas\.budgets\[0\]\.monthly must be an amount above 0 .*got "lots"/,
    ],
    [
      [{ group: 'group:default/team-a' }],
      /^maas\.budgets\[0\]\.monthly must be an amount above 0 .*got undefined/,
    ],
  ])('refuses %j, naming the key', (budgets, message) => {
    expect(() => read(budgets)).toThrow(message);
  });

  it('refuses budgets without maas.pricing, saying a budget is an amount in its currency', () => {
    expect(() =>
      readBudgetsConfig(
        new ConfigReader({
          budgets: [{ group: 'group:default/team-a', monthly: 1 }],
        }),
        undefined,
      ),
    ).toThrow(
      /^maas\.budgets needs maas\.pricing: a budget is an amount in its currency/,
    );
  });

  it('is part of the maas section readMaasConfig reads at start', () => {
    const config = readMaasConfig(
      new ConfigReader({
        maas: {
          pricing: {
            currency: 'EUR',
            tiers: [{ tier: 'free', perMillionTokens: 1 }],
          },
          budgets: [{ group: 'group:default/team-a', monthly: 500 }],
        },
      }),
    );
    expect(config.budgets).toEqual([
      { group: 'group:default/team-a', monthly: 500 },
    ]);
    expect(() =>
      readMaasConfig(
        new ConfigReader({
          maas: { budgets: [{ group: 'group:default/team-a', monthly: 1 }] },
        }),
      ),
    ).toThrow(/^maas\.budgets needs maas\.pricing/);
  });
});
