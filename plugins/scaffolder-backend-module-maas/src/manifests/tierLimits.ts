import { ModelSpec, PolicyLimit, TierLimits } from './types';

/** The CEL predicate that selects a tier's callers, as the AuthPolicy exposes them. */
export function tierPredicate(spec: ModelSpec, tier: string): string {
  const quoted = JSON.stringify(tier);
  return spec.auth.type === 'api-key'
    ? `auth.identity.groups.split(",").exists(g, g == ${quoted})`
    : `auth.identity.tier == ${quoted}`;
}

/** One limit per tier, counted per user, named `<tier>-user-<suffix>`. */
export function perTierLimits(
  spec: ModelSpec,
  suffix: 'requests' | 'tokens',
  rate: (tier: TierLimits) => TierLimits['requests'],
): Record<string, PolicyLimit> {
  return Object.fromEntries(
    spec.tiers.map(tier => [
      `${tier.name}-user-${suffix}`,
      {
        rates: [{ ...rate(tier) }],
        when: [{ predicate: tierPredicate(spec, tier.name) }],
        counters: [{ expression: 'auth.identity.userid' }],
      },
    ]),
  );
}
