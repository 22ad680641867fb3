import { tierOfPredicate, tierOfPredicates } from './tierOfPredicate';

describe('tierOfPredicate', () => {
  it.each([
    ['auth.identity.groups.split(",").exists(g, g == "free")', 'free'],
    ['auth.identity.groups.split(",").exists(g, g == "premium")\n', 'premium'],
    [
      "auth.identity.groups.split(',').exists(grp, 'enterprise' == grp)",
      'enterprise',
    ],
    ['auth.identity.tier == "free"', 'free'],
    ['"gold" == auth.identity.tier', 'gold'],
  ])('reads %p as %p', (predicate, tier) => {
    expect(tierOfPredicate(predicate)).toBe(tier);
  });

  it.each([
    'auth.identity.userid == "alice"',
    'auth.identity.groups.split(",").exists(g, h == "free")',
    'request.path == "/v1/chat/completions"',
    'auth.identity.tier != "free"',
  ])('names no tier for %p', predicate => {
    expect(tierOfPredicate(predicate)).toBeUndefined();
  });

  it('wants every predicate of a limit to name the same tier', () => {
    expect(tierOfPredicates([])).toBeNull();
    expect(tierOfPredicates(['auth.identity.tier == "free"'])).toBe('free');
    expect(
      tierOfPredicates([
        'auth.identity.tier == "free"',
        'request.method == "POST"',
      ]),
    ).toBeUndefined();
    expect(
      tierOfPredicates([
        'auth.identity.tier == "free"',
        'auth.identity.tier == "premium"',
      ]),
    ).toBeUndefined();
  });
});
