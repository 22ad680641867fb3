import { CountingBasis, LiveLimit } from '@maas-portal/plugin-maas-common';

/**
 * Which kinds of Kuadrant limit apply to the calls of one tier on a route; undefined: the cluster's
 * policies do not tell (a limit whose predicates name no tier in a known form, or a route the cluster
 * does not know).
 */
export interface LimitKinds {
  requests?: boolean;
  tokens?: boolean;
}

/**
 * The limits of one route as the counting needs them, from the policies attached to it (and its
 * Gateway) in the cluster: per tier (Limitador's `group` label), and the `limit_name`s of the token
 * limits (kuadrant-operator names a Limitador limit after its key in the policy).
 */
export interface RouteLimits {
  tiers: Record<string, LimitKinds>;
  /** For a tier no limit names: what applies to every caller. */
  otherTiers: LimitKinds;
  tokenLimitNames: string[];
  /** Keys both a request limit and a token limit use: refusals under them cannot be told apart. */
  sharedLimitNames: string[];
}

/** One unit's (a user's, a tier's, a step's) raw Limitador counts. */
export interface RawCounts {
  authorizedCalls: number;
  /** Absent: Limitador exports no `authorized_hits` (Limitador v2.0). */
  authorizedHits?: number;
  /** `limited_calls`, by `limit_name` (absent without `telemetry: exhaustive`). */
  refusals: Array<{ limitName?: string; value: number }>;
}

/** Calls served and tokens counted, as far as the metrics and the policies tell. */
export interface Counted {
  basis: CountingBasis;
  /** Exact; or, when `callsAtLeast` is given, the most the metrics allow. */
  calls: number;
  callsAtLeast?: number;
  /** Undefined: Limitador counts no tokens for these calls (no token limit applies, or unknown). */
  tokens?: number;
  tokensAtLeast?: number;
}

/** Route-level limits: made from a model's tiers as the tiers view sorts its live limits. */
export function routeLimitsOf(view: {
  tiers: Array<{ name: string; requests: LiveLimit[]; tokens: LiveLimit[] }>;
  everyone: LiveLimit[];
  other: LiveLimit[];
}): RouteLimits {
  const kindIn = (limits: LiveLimit[], kind: LiveLimit['source']['kind']) =>
    limits.some(l => l.source.kind === kind);
  const everyone = {
    requests: kindIn(view.everyone, 'RateLimitPolicy'),
    tokens: kindIn(view.everyone, 'TokenRateLimitPolicy'),
  };
  // A limit whose predicates the portal cannot read may or may not apply to a tier: unknown,
  // unless a limit of the same kind applies to that tier anyway.
  const unread = {
    requests: kindIn(view.other, 'RateLimitPolicy'),
    tokens: kindIn(view.other, 'TokenRateLimitPolicy'),
  };
  const kinds = (requests: boolean, tokens: boolean): LimitKinds => ({
    requests: requests || (unread.requests ? undefined : false),
    tokens: tokens || (unread.tokens ? undefined : false),
  });
  const tiers: Record<string, LimitKinds> = {};
  for (const t of view.tiers)
    tiers[t.name] = kinds(
      everyone.requests || t.requests.length > 0,
      everyone.tokens || t.tokens.length > 0,
    );
  const all = [
    ...view.everyone,
    ...view.other,
    ...view.tiers.flatMap(t => [...t.requests, ...t.tokens]),
  ];
  const names = (kind: LiveLimit['source']['kind']) =>
    new Set(
      all.filter(l => l.source.kind === kind).map(l => l.source.limitName),
    );
  const requestNames = names('RateLimitPolicy');
  const tokenNames = names('TokenRateLimitPolicy');
  return {
    tiers,
    otherTiers: kinds(everyone.requests, everyone.tokens),
    tokenLimitNames: [...tokenNames].sort(),
    sharedLimitNames: [...tokenNames].filter(n => requestNames.has(n)).sort(),
  };
}

/**
 * What applies to a tier's calls; `null`: calls whose metrics carry no tier (no TelemetryPolicy), which
 * are known only where every tier agrees. Without `limits` (a route the cluster does not know) nothing.
 */
export function limitKindsOf(
  limits: RouteLimits | undefined,
  tier: string | null,
): LimitKinds {
  if (!limits) return {};
  if (tier !== null) return limits.tiers[tier] ?? limits.otherTiers;
  // Calls of a tier no limit applies to reach no counter, so only the others must agree.
  const counting = [...Object.values(limits.tiers), limits.otherTiers].filter(
    k => k.requests !== false || k.tokens !== false,
  );
  if (counting.length === 0) return { requests: false, tokens: false };
  const all = counting;
  const agreed = (kind: keyof LimitKinds) =>
    all.every(k => k[kind] === all[0][kind]) ? all[0][kind] : undefined;
  return { requests: agreed('requests'), tokens: agreed('tokens') };
}

export function basisOf(kinds: LimitKinds): CountingBasis {
  const { requests, tokens } = kinds;
  if (requests === true && tokens === true) return 'requests-and-tokens';
  if (requests === true && tokens === false) return 'requests';
  if (requests === false && tokens === true) return 'tokens';
  if (requests === false && tokens === false) return 'none';
  return 'unknown';
}

/**
 * Calls and tokens from Limitador's counters, by what Limitador counts under the limits that apply
 * (Kuadrant 1.3, read in kuadrant-operator, wasm-shim and Limitador): a request limit is one
 * `ShouldRateLimit` per call (`authorized_calls` + 1, `authorized_hits` + 1), a token limit one
 * `CheckRateLimit` before the response (`authorized_calls` + 1) and one `Report` with its tokens after
 * (`authorized_hits` + tokens); a refusal is `limited_calls` + 1 under the refusing limit's name. So,
 * with S calls served and Lt refused by the token limit after the request limit let them through:
 * under both, `authorized_calls` = 2S + Lt and `authorized_hits` = S + Lt + tokens.
 *
 * Lt is `limited_calls` under the token limits' names. Refusals without a `limit_name` (Limitador
 * without `telemetry: exhaustive`) may be either limit's: then calls and tokens are bounded, `calls`
 * and `tokens` the most and `callsAtLeast`/`tokensAtLeast` the least the counters allow.
 */
export function countCalls(
  kinds: LimitKinds,
  limits: Pick<RouteLimits, 'tokenLimitNames' | 'sharedLimitNames'> | undefined,
  raw: RawCounts,
): Counted {
  const basis = basisOf(kinds);
  const a = raw.authorizedCalls;
  const h = raw.authorizedHits;
  if (basis === 'requests' || basis === 'none') return { basis, calls: a };
  if (basis === 'tokens')
    return { basis, calls: a, ...(h !== undefined ? { tokens: h } : {}) };
  if (basis === 'unknown') {
    // Calls may have been counted twice if both kinds may apply; tokens are not known to be tokens.
    const twice = kinds.requests !== false && kinds.tokens !== false;
    const refused = raw.refusals.reduce((n, r) => n + r.value, 0);
    return {
      basis,
      calls: a,
      ...(twice ? { callsAtLeast: Math.max(0, (a - refused) / 2) } : {}),
    };
  }
  const tokenNames = new Set(limits?.tokenLimitNames ?? []);
  const shared = new Set(limits?.sharedLimitNames ?? []);
  let tokenRefused = 0;
  let eitherRefused = 0;
  for (const r of raw.refusals) {
    if (r.limitName === undefined || shared.has(r.limitName))
      eitherRefused += r.value;
    else if (tokenNames.has(r.limitName)) tokenRefused += r.value;
  }
  const calls = (a - tokenRefused) / 2;
  const tokens = h === undefined ? undefined : h - (a + tokenRefused) / 2;
  if (eitherRefused === 0)
    return { basis, calls, ...(tokens !== undefined ? { tokens } : {}) };
  return {
    basis,
    calls,
    callsAtLeast: Math.max(0, calls - eitherRefused / 2),
    ...(tokens !== undefined
      ? { tokens, tokensAtLeast: Math.max(0, tokens - eitherRefused / 2) }
      : {}),
  };
}

/** The sentence that says how a basis counts, for pages and warnings. */
export function countingSentence(basis: CountingBasis): string {
  switch (basis) {
    case 'requests':
      return 'a RateLimitPolicy only: calls are authorized_calls; Limitador counts no tokens (its authorized_hits are 1 per call)';
    case 'tokens':
      return 'a TokenRateLimitPolicy only: calls are authorized_calls, tokens authorized_hits (the responses’ usage)';
    case 'requests-and-tokens':
      return (
        'a RateLimitPolicy and a TokenRateLimitPolicy: Limitador counts each served call twice in authorized_calls ' +
        '(once per policy) and once more in authorized_hits, so calls are (authorized_calls − token refusals) / 2 and ' +
        'tokens authorized_hits − calls − token refusals'
      );
    case 'none':
      return 'no rate limit policy: Limitador counts nothing';
    default:
      return 'limits the portal cannot read (or a route the cluster does not know): calls are authorized_calls as Limitador reports them, which count a call twice where both a RateLimitPolicy and a TokenRateLimitPolicy apply; tokens are not known';
  }
}
