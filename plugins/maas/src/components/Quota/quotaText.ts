import {
  QuotaLeft,
  QuotaSource,
  Refusal,
} from '@maas-portal/plugin-maas-common';

const numbers = new Intl.NumberFormat('en');

/** `2 m`, `1 h 30 m`, `500 ms`: a Kuadrant window as people read it. */
export function windowText(window: string): string {
  return [...window.matchAll(/([0-9]+)(ms|h|m|s)/g)]
    .map(m => `${m[1]} ${m[2]}`)
    .join(' ');
}

/** `74 s`, `3 m 5 s`, `1 h 2 m`. */
export function durationText(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  // Seconds up to two minutes: "resets in 74 s" reads better than "1 m 14 s".
  if (s < 120) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} m${s % 60 ? ` ${s % 60} s` : ''}`;
  const m = Math.floor((s % 3600) / 60);
  return `${Math.floor(s / 3600)} h${m ? ` ${m} m` : ''}`;
}

/**
 * One limit, in words: "3 of 5 requests left in this 2 m window, resets in 74 s"; an estimate
 * says what it is; no limit of the kind says "no token limit".
 */
export function quotaSentence(
  kind: 'requests' | 'tokens',
  quota: QuotaLeft | null,
  source: QuotaSource,
): string {
  if (!quota) return kind === 'tokens' ? 'no token limit' : 'no request limit';
  if (quota.notEnforced) return `not enforced: ${quota.notEnforced}`;
  const counts = `${numbers.format(quota.remaining)} of ${numbers.format(
    quota.limit,
  )} ${kind} left`;
  const window = windowText(quota.window);
  if (source === 'estimate') {
    return `about ${counts}, by your calls in the last ${window} (estimate)`;
  }
  if (quota.resetsInSeconds === undefined) {
    return `${counts}: no call in the current ${window} window`;
  }
  return `${counts} in this ${window} window, resets in ${durationText(
    quota.resetsInSeconds,
  )}`;
}

/** "12 × free-user-requests (free)", or without the limit's name where Limitador gives none. */
export function refusalText(refusal: Refusal): string {
  const what = refusal.limitName ?? 'a limit of its tier';
  const tier = refusal.tier ? ` (${refusal.tier})` : '';
  return `${numbers.format(refusal.count)} × ${what}${tier}`;
}
