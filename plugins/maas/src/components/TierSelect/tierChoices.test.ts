import { TierView } from '@maas-portal/plugin-maas-common';
import { tiers } from '../../__testUtils__/fixtures';
import { tierChoices } from './tierChoices';

describe('tierChoices', () => {
  it("sums up the portal's configured tiers, one rate each", () => {
    expect(
      tierChoices([
        {
          name: 'premium',
          approval: 'manual',
          requests: { limit: 20, window: '2m' },
          tokens: { limit: 50000, window: '1h' },
        },
      ]),
    ).toEqual([
      {
        name: 'premium',
        approval: 'manual',
        summary: '20 per 2m requests, 50,000 per 1h tokens',
      },
    ]);
  });

  it("sums up a model's live limits, the same way", () => {
    expect(tierChoices(tiers().tiers)).toEqual([
      {
        name: 'free',
        approval: 'auto',
        summary: '5 per 2m requests, 100 per 1h tokens',
      },
      {
        name: 'premium',
        approval: 'manual',
        summary: '20 per 2m requests, 50,000 per 1h tokens',
      },
    ]);
  });

  it('leaves out a tier found only in the cluster, which nobody may ask for', () => {
    const clusterOnly: TierView = {
      name: 'legacy',
      configured: false,
      requests: [],
      tokens: [],
    };
    expect(tierChoices([clusterOnly])).toEqual([]);
  });
});
