import { LiveLimit } from '@maas-portal/plugin-maas-common';
import { countCalls, limitKindsOf, routeLimitsOf } from './routeCounting';

const live = (
  kind: LiveLimit['source']['kind'],
  limitName: string,
): LiveLimit => ({
  rates: [{ limit: 10, window: '1m' }],
  counters: ['auth.identity.userid'],
  predicates: [],
  source: {
    kind,
    namespace: 'llm',
    name: 'p',
    limitName,
    attachedTo: 'route',
    section: 'limits',
  },
});
const requests = (name: string) => live('RateLimitPolicy', name);
const tokens = (name: string) => live('TokenRateLimitPolicy', name);

describe('routeLimitsOf', () => {
  it('tells per tier which limits apply, everyone’s limits included, and names the token limits', () => {
    const limits = routeLimitsOf({
      tiers: [
        {
          name: 'free',
          requests: [requests('free-requests')],
          tokens: [tokens('free-tokens')],
        },
        // The platform team's token policy leaves enterprise out.
        {
          name: 'enterprise',
          requests: [requests('ent-requests')],
          tokens: [],
        },
      ],
      everyone: [],
      other: [],
    });
    expect(limitKindsOf(limits, 'free')).toEqual({
      requests: true,
      tokens: true,
    });
    expect(limitKindsOf(limits, 'enterprise')).toEqual({
      requests: true,
      tokens: false,
    });
    expect(limitKindsOf(limits, 'gold')).toEqual({
      requests: false,
      tokens: false,
    });
    // Series without a tier label: the tiers agree on requests, not on tokens.
    expect(limitKindsOf(limits, null)).toEqual({
      requests: true,
      tokens: undefined,
    });
    expect(limits.tokenLimitNames).toEqual(['free-tokens']);
    // Where the tiers with limits agree, series without a tier label are known too: a tier no
    // limit applies to reaches no counter.
    const requestsOnly = routeLimitsOf({
      tiers: [
        { name: 'free', requests: [requests('f')], tokens: [] },
        { name: 'premium', requests: [requests('p')], tokens: [] },
      ],
      everyone: [],
      other: [],
    });
    expect(limitKindsOf(requestsOnly, null)).toEqual({
      requests: true,
      tokens: false,
    });
    expect(limitKindsOf(undefined, 'free')).toEqual({});
  });

  it('does not know whether a limit whose predicates it cannot read applies', () => {
    const limits = routeLimitsOf({
      tiers: [{ name: 'free', requests: [requests('a')], tokens: [] }],
      everyone: [],
      other: [tokens('b'), requests('a')],
    });
    expect(limitKindsOf(limits, 'free')).toEqual({
      requests: true,
      tokens: undefined,
    });
    expect(limits.sharedLimitNames).toEqual([]);
  });
});

describe('countCalls', () => {
  const names = { tokenLimitNames: ['free-tokens'], sharedLimitNames: [] };
  const both = { requests: true, tokens: true };

  it('takes calls as authorized_calls and no tokens under a RateLimitPolicy only', () => {
    expect(
      countCalls({ requests: true, tokens: false }, names, {
        authorizedCalls: 8,
        authorizedHits: 8,
        refusals: [],
      }),
    ).toEqual({ basis: 'requests', calls: 8 });
  });

  it('takes tokens as authorized_hits under a TokenRateLimitPolicy only', () => {
    expect(
      countCalls({ requests: false, tokens: true }, names, {
        authorizedCalls: 8,
        authorizedHits: 72,
        refusals: [{ limitName: 'free-tokens', value: 2 }],
      }),
    ).toEqual({ basis: 'tokens', calls: 8, tokens: 72 });
  });

  it('counts a call once under both, the token limit’s refusals taken out', () => {
    // 8 served (72 tokens), 2 refused by the request limit, 3 by the token limit after it.
    const raw = {
      authorizedCalls: 2 * 8 + 3,
      authorizedHits: 8 + 3 + 72,
      refusals: [
        { limitName: 'free-requests', value: 2 },
        { limitName: 'free-tokens', value: 3 },
      ],
    };
    expect(countCalls(both, names, raw)).toEqual({
      basis: 'requests-and-tokens',
      calls: 8,
      tokens: 72,
    });
  });

  it('bounds calls and tokens under both when refusals carry no limit name', () => {
    const counted = countCalls(both, names, {
      authorizedCalls: 2 * 8 + 3,
      authorizedHits: 8 + 3 + 72,
      refusals: [{ value: 5 }],
    });
    // The truth (8, 72) lies within.
    expect(counted).toEqual({
      basis: 'requests-and-tokens',
      calls: 9.5,
      callsAtLeast: 7,
      tokens: 72 + 1.5,
      tokensAtLeast: 71,
    });
    // No refusal at all: nothing to take out, exact without names.
    expect(
      countCalls(both, names, {
        authorizedCalls: 16,
        authorizedHits: 88,
        refusals: [],
      }),
    ).toEqual({ basis: 'requests-and-tokens', calls: 8, tokens: 80 });
  });

  it('bounds calls and knows no tokens where the limits are not known', () => {
    expect(
      countCalls({}, undefined, {
        authorizedCalls: 19,
        authorizedHits: 83,
        refusals: [{ value: 5 }],
      }),
    ).toEqual({ basis: 'unknown', calls: 19, callsAtLeast: 7 });
  });
});
