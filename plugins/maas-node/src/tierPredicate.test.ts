import { isTierName } from '@maas-portal/plugin-maas-common';
import {
  tierOfPredicate,
  tierOfPredicates,
  tierPredicate,
} from './tierPredicate';

/**
 * Tier names the config allows (`isTierName`, a DNS-1123 label): every length from 1 to 63, every
 * allowed character at the start, in the middle and at the end, runs of dashes, digits only.
 */
function allowedTierNames(): string[] {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const names = new Set<string>(['free', 'premium', 'enterprise']);
  for (const c of alphabet) {
    names.add(c);
    names.add(`${c}${c}`);
    names.add(`a-${c}`);
    names.add(`${c}-z`);
    names.add(`x${c}y`);
  }
  for (let length = 1; length <= 63; length++) {
    names.add('a'.repeat(length));
    names.add('9'.repeat(length));
    if (length >= 3) names.add(`a${'-'.repeat(length - 2)}0`);
  }
  // A fixed pseudo-random sample, so that a failure repeats.
  let seed = 42;
  const next = (n: number) => {
    // mulberry32
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
  const inner = `${alphabet}-`;
  for (let i = 0; i < 2000; i++) {
    const length = 1 + next(63);
    let name = alphabet[next(alphabet.length)];
    for (let j = 1; j < length - 1; j++) name += inner[next(inner.length)];
    if (length > 1) name += alphabet[next(alphabet.length)];
    names.add(name);
  }
  return [...names];
}

describe('the tier predicate', () => {
  const names = allowedTierNames();

  it('is generated from names the config allows, edge cases included', () => {
    expect(names.every(isTierName)).toBe(true);
    expect(names).toEqual(
      expect.arrayContaining(['0', 'z', 'a'.repeat(63), `a${'-'.repeat(61)}0`]),
    );
    expect(names.length).toBeGreaterThan(2000);
    // The generator's neighbours that the config refuses, so the rule is the one read above.
    expect(
      ['', '-a', 'a-', 'A', 'a_b', 'a.b', 'a'.repeat(64)].some(isTierName),
    ).toBe(false);
  });

  it.each(['api-key', 'oidc'] as const)(
    'reads back every allowed tier name as written for %s',
    auth => {
      const misread = names.filter(
        name => tierOfPredicate(tierPredicate(auth, name)) !== name,
      );
      expect(misread).toEqual([]);
    },
  );

  it('writes the forms the Kuadrant policies of upstream MaaS use', () => {
    expect(tierPredicate('api-key', 'free')).toBe(
      'auth.identity.groups.split(",").exists(g, g == "free")',
    );
    expect(tierPredicate('oidc', 'free')).toBe('auth.identity.tier == "free"');
  });
});

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
