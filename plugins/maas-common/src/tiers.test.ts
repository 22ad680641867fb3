import {
  checkTiers,
  formatProblems,
  KUADRANT_WINDOW_PATTERN,
  TierDefinition,
} from './tiers';

const free: TierDefinition = {
  name: 'free',
  requests: { limit: 5, window: '2m' },
  tokens: { limit: 100000, window: '1m' },
  approval: 'auto',
};

describe('tiers', () => {
  it.each(['2m', '24h', '30s', '500ms', '1h30m'])(
    'accepts the Kuadrant window %p',
    w => {
      expect(KUADRANT_WINDOW_PATTERN.test(w)).toBe(true);
    },
  );
  it.each(['1d', '2 m', 'm', '', '123456s'])('rejects the window %p', w => {
    expect(KUADRANT_WINDOW_PATTERN.test(w)).toBe(false);
  });

  it('finds nothing wrong with the seed tier', () => {
    expect(checkTiers('tiers', [free])).toEqual([]);
  });

  it('names every bad field', () => {
    const problems = checkTiers('tiers', [
      free,
      { ...free, requests: { limit: -1, window: '1d' } },
      { ...free, name: 'gold', tokens: { limit: 1.5, window: '1m' } },
    ]);
    expect(problems.map(p => p.path)).toEqual([
      'tiers[1].name',
      'tiers[1].requests.limit',
      'tiers[1].requests.window',
      'tiers[2].tokens.limit',
    ]);
    expect(formatProblems(problems)).toContain(
      'tiers[1].name: tier "free" appears twice',
    );
  });

  it('wants at least one tier', () => {
    expect(checkTiers('tiers', [])).toEqual([
      { path: 'tiers', message: 'at least one tier is needed' },
    ]);
  });
});
