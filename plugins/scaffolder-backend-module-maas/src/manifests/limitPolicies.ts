import { RateLimit } from '@maas-portal/plugin-maas-common';
import {
  KuadrantLimit,
  RATE_LIMIT_POLICY,
  RateLimitPolicyManifest,
  TOKEN_RATE_LIMIT_POLICY,
  TokenRateLimitPolicyManifest,
  tierPredicate,
} from '@maas-portal/plugin-maas-node';
import { modelManifest } from './modelManifest';
import { modelObjectNames } from './naming';
import { routeTarget } from './policyTarget';
import { ModelSpec, TierLimits } from './types';

/** One limit per tier, counted per user, named `<tier>-user-<suffix>`. */
function perTierLimits(
  spec: ModelSpec,
  suffix: 'requests' | 'tokens',
  rate: (tier: TierLimits) => RateLimit,
): Record<string, KuadrantLimit> {
  return Object.fromEntries(
    spec.tiers.map(tier => [
      `${tier.name}-user-${suffix}`,
      {
        rates: [{ ...rate(tier) }],
        when: [{ predicate: tierPredicate(spec.auth.type, tier.name) }],
        counters: [{ expression: 'auth.identity.userid' }],
      },
    ]),
  );
}

/** Requests per user, one limit per tier. */
export function renderRateLimitPolicy(
  spec: ModelSpec,
): RateLimitPolicyManifest {
  return modelManifest<RateLimitPolicyManifest>(
    spec,
    RATE_LIMIT_POLICY,
    { name: modelObjectNames(spec.name).rateLimitPolicy },
    {
      targetRef: routeTarget(spec),
      limits: perTierLimits(spec, 'requests', tier => tier.requests),
    },
  );
}

/** Tokens per user (from the response's `usage.total_tokens`), one limit per tier. */
export function renderTokenRateLimitPolicy(
  spec: ModelSpec,
): TokenRateLimitPolicyManifest {
  return modelManifest<TokenRateLimitPolicyManifest>(
    spec,
    TOKEN_RATE_LIMIT_POLICY,
    { name: modelObjectNames(spec.name).tokenRateLimitPolicy },
    {
      targetRef: routeTarget(spec),
      limits: perTierLimits(spec, 'tokens', tier => tier.tokens),
    },
  );
}
