import {
  ModelQuota,
  ModelView,
  PlaygroundRefusal,
  QuotaLeft,
  TierQuota,
} from '@maas-portal/plugin-maas-common';

/** How much of the gateway's own answer body a refusal carries back. */
const UPSTREAM_BODY_CHARS = 500;

/** "5 requests per 2m" */
const rateOf = (left: QuotaLeft, unit: string) =>
  `${left.limit} ${unit} per ${left.window}`;

/** ", resets in about 73 s" when Limitador told when; nothing in an estimate. */
const resetOf = (left: QuotaLeft) =>
  left.resetsInSeconds === undefined
    ? ''
    : `; resets in about ${left.resetsInSeconds} s`;

/** Why the next call is refused too: how the limit that ran out counts. */
function howCounted(unit: string, credential: 'key' | 'token'): string {
  if (unit === 'tokens')
    return 'Tokens are counted after each answer, so the call after the one that went over is refused.';
  return credential === 'token'
    ? 'Calls are counted per person: every token of yours counts against the same limit.'
    : 'Calls are counted per user: every key of yours in this tier counts against the same limit.';
}

/** The limits of a tier that are used up, requests first: what refused a call with 429. */
function exhausted(tier: TierQuota) {
  return [
    { left: tier.requests, unit: 'requests' },
    { left: tier.tokens, unit: 'tokens' },
  ].filter(
    (l): l is { left: QuotaLeft; unit: string } =>
      !!l.left && !l.left.notEnforced && l.left.remaining <= 0,
  );
}

/**
 * Why the gateway answered 429, in words: the tier's limit that is used up and when its window
 * resets, read from the caller's quota (the Quota card's figures). The tier is the one the caller
 * said their key is of; without one (always with an OIDC token, whose tier is a claim the portal
 * does not read), any tier of theirs with a limit used up.
 */
function explainLimited(
  quota: ModelQuota | undefined,
  tier: string | undefined,
  credential: 'key' | 'token',
): Pick<PlaygroundRefusal, 'title' | 'explanation' | 'quota'> {
  const title = 'Rate limit reached (429): the gateway refused the call';
  if (!quota) {
    return {
      title,
      explanation:
        'A limit of your tier on this model is used up; the portal could not read your quota to say which. Wait for the window to reset and try again.',
    };
  }
  const candidates = quota.tiers.filter(t => !tier || t.tier === tier);
  for (const t of candidates) {
    const used = exhausted(t);
    if (used.length > 0) {
      const [first] = used;
      return {
        title,
        quota: t,
        explanation: `${t.tier} tier: ${rateOf(
          first.left,
          first.unit,
        )}, all used in this window${resetOf(first.left)}. ${howCounted(
          first.unit,
          credential,
        )}`,
      };
    }
  }
  const figures =
    quota.source === 'estimate'
      ? ' (your quota here is an estimate from the metrics, which lag behind the gateway)'
      : '';
  return {
    title,
    quota: candidates[0],
    explanation: `A limit refused the call, but none of your ${
      tier ? `${tier}-tier ` : ''
    }limits on this model is used up${figures}: ${
      credential === 'token'
        ? "the token may be another person's, or the model's AuthPolicy counts you under another user id than your portal user name (its user id claim), or a limit for everyone on the model is reached"
        : "the key may be someone else's or of another tier, or a limit for everyone on the model is reached"
    }. Wait a minute and try again.`,
  };
}

/**
 * A refusal of the gateway (or the model behind it) as the playground answers it: the status, and
 * what it means in words. `upstreamBody` is the gateway's answer, which holds no credential: the
 * gateway never echoes the Authorization header.
 */
export function explainRefusal(options: {
  status: number;
  upstreamBody: string;
  model: Pick<ModelView, 'authMode'>;
  quota?: ModelQuota;
  tier?: string;
}): PlaygroundRefusal {
  const { status, model, quota, tier } = options;
  const credential = model.authMode === 'oidc' ? 'token' : 'key';
  const upstreamBody =
    options.upstreamBody.slice(0, UPSTREAM_BODY_CHARS) || undefined;
  const base = { source: 'gateway' as const, status, upstreamBody };
  switch (status) {
    case 401:
      return {
        ...base,
        title: `Not authenticated (401): the gateway did not accept the ${credential}`,
        explanation:
          credential === 'token'
            ? 'The token is missing, malformed, expired or not from the issuer this model trusts. Get a fresh access token from the model’s OpenID Connect issuer and paste it again.'
            : 'The key is missing, mistyped, revoked, expired, or not a key for this model (each key works on one model only). A key just issued can take a few seconds to work. Check the value you pasted, or ask for a new key.',
      };
    case 403:
      return {
        ...base,
        title: 'Refused (403): the model’s policy does not allow this call',
        explanation: `The ${credential} is valid, but the model’s AuthPolicy refused it: its tier is not one this model allows, or the policy’s rules (e.g. an expired key) said no.`,
      };
    case 429:
      return { ...base, ...explainLimited(quota, tier, credential) };
    case 404:
      return {
        ...base,
        title: 'Not found (404): the gateway has no route for this model',
        explanation:
          'The gateway does not serve the model’s host name (yet): its HTTPRoute may not be accepted, or the gateway has not loaded it. See the model’s Health card.',
      };
    default:
      return {
        ...base,
        title:
          status >= 500
            ? `The gateway or the model failed (${status})`
            : `The gateway answered ${status}`,
        explanation:
          status >= 500
            ? 'The call got through the gateway’s checks but the model server did not answer properly: see the model’s Health card and try again later.'
            : 'The gateway or the model did not accept the request; its answer is below.',
      };
  }
}
