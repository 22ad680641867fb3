import { ModelTiers } from '@maas-portal/plugin-maas-common';

/**
 * The tiers a model offers: those its RateLimitPolicies or TokenRateLimitPolicies select (a limit
 * whose predicate names the tier), as GET /models/by-entity/tiers shows them. Undefined when its
 * policies name no tier: then the tier only labels the key, and every portal tier is accepted. A
 * key of a tier the policies do not select would be refused by an AuthPolicy that checks tiers (as
 * Create model renders it), or let through without any limit by one that does not.
 */
export function offeredTiers(tiers: Pick<ModelTiers, 'tiers'>) {
  const offered = tiers.tiers
    .filter(t => t.requests.length > 0 || t.tokens.length > 0)
    .map(t => t.name);
  return offered.length ? offered : undefined;
}
