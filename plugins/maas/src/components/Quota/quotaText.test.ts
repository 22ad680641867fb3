import { QuotaLeft } from '@maas-portal/plugin-maas-common';
import {
  durationText,
  quotaSentence,
  refusalText,
  windowText,
} from './quotaText';

const requests: QuotaLeft = {
  limitName: 'free-user-requests',
  limit: 5,
  window: '2m',
  windowSeconds: 120,
  remaining: 3,
  resetsInSeconds: 74,
};

describe('quota in words', () => {
  it("says what is left of Limitador's live count and when it resets", () => {
    expect(quotaSentence('requests', requests, 'limitador')).toBe(
      '3 of 5 requests left in this 2 m window, resets in 74 s',
    );
    expect(
      quotaSentence(
        'tokens',
        {
          ...requests,
          limit: 100000,
          remaining: 98250,
          window: '1m',
          resetsInSeconds: 12,
        },
        'limitador',
      ),
    ).toBe('98,250 of 100,000 tokens left in this 1 m window, resets in 12 s');
  });

  it('says when no window is running, and labels an estimate as one', () => {
    const { resetsInSeconds: _, ...idle } = requests;
    expect(
      quotaSentence('requests', { ...idle, remaining: 5 }, 'limitador'),
    ).toBe('5 of 5 requests left: no call in the current 2 m window');
    expect(quotaSentence('requests', idle, 'estimate')).toBe(
      'about 3 of 5 requests left, by your calls in the last 2 m (estimate)',
    );
  });

  it('says a limit Limitador does not enforce is not enforced, and why, instead of a count', () => {
    const why =
      'Limitador enforces no free-user-tokens limit on this route, so your tokens are not counted against it: kuadrant-operator reconciles TokenRateLimitPolicy from Kuadrant 1.3 on.';
    const sentence = quotaSentence(
      'tokens',
      { ...requests, limit: 100000, remaining: 100000, notEnforced: why },
      'limitador',
    );
    expect(sentence).toBe(`not enforced: ${why}`);
    expect(sentence).not.toMatch(/left/);
  });

  it('says "no token limit" in words where a tier has none', () => {
    expect(quotaSentence('tokens', null, 'limitador')).toBe('no token limit');
    expect(quotaSentence('requests', null, 'estimate')).toBe(
      'no request limit',
    );
  });

  it('writes windows, durations and refusals as people read them', () => {
    expect(windowText('1h30m')).toBe('1 h 30 m');
    expect(windowText('500ms')).toBe('500 ms');
    expect(durationText(74)).toBe('74 s');
    expect(durationText(185)).toBe('3 m 5 s');
    expect(durationText(3720)).toBe('1 h 2 m');
    expect(
      refusalText({
        tier: 'free',
        limitName: 'free-user-requests',
        count: 1200,
      }),
    ).toBe('1,200 × free-user-requests (free)');
    expect(refusalText({ tier: null, count: 3 })).toBe(
      '3 × a limit of its tier',
    );
  });
});
