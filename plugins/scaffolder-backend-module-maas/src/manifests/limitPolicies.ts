import {
  KuadrantLimit,
  RATE_LIMIT_POLICY,
  RateLimitPolicyManifest,
  ResourceKind,
  TOKEN_RATE_LIMIT_POLICY,
  TokenRateLimitPolicyManifest,
  tierPredicate,
} from '@maas-portal/plugin-maas-node';
import { modelManifest } from './modelManifest';
import { modelObjectNames } from './naming';
import { routeTarget } from './policyTarget';
import { ModelSpec } from './types';

/** One limit per tier of what `counted` counts, per user, named `<tier>-user-<counted>`. */
function perTierLimits(
  spec: ModelSpec,
  counted: 'requests' | 'tokens',
): Record<string, KuadrantLimit> {
  return Object.fromEntries(
    spec.tiers.map(tier => [
      `${tier.name}-user-${counted}`,
      {
        rates: [{ ...tier[counted] }],
        when: [{ predicate: tierPredicate(spec.auth.type, tier.name) }],
        counters: [{ expression: 'auth.identity.userid' }],
      },
    ]),
  );
}

function tierLimitPolicy<
  M extends RateLimitPolicyManifest | TokenRateLimitPolicyManifest,
>(
  spec: ModelSpec,
  kind: ResourceKind,
  name: string,
  counted: 'requests' | 'tokens',
): M {
  return modelManifest<M>(
    spec,
    kind,
    { name },
    { targetRef: routeTarget(spec), limits: perTierLimits(spec, counted) },
  );
}

/** Requests per user, one limit per tier. */
export function renderRateLimitPolicy(
  spec: ModelSpec,
): RateLimitPolicyManifest {
  const name = modelObjectNames(spec.name).rateLimitPolicy;
  return tierLimitPolicy(spec, RATE_LIMIT_POLICY, name, 'requests');
}

/** Tokens per user (from the response's `usage.total_tokens`), one limit per tier. */
export function renderTokenRateLimitPolicy(
  spec: ModelSpec,
): TokenRateLimitPolicyManifest {
  const name = modelObjectNames(spec.name).tokenRateLimitPolicy;
  return tierLimitPolicy(spec, TOKEN_RATE_LIMIT_POLICY, name, 'tokens');
}
