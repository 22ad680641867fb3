/**
 * The Kuadrant `when` predicate that selects a tier's callers: written by the scaffolder into a
 * model's rate limits, read back by the backend to show which limit belongs to which tier. Writer
 * and reader live here together, and a round-trip test holds them to each other.
 *
 *   API keys: auth.identity.groups.split(",").exists(g, g == "free")   (the AuthPolicy's `groups`)
 *   OIDC:     auth.identity.tier == "free"                             (the AuthPolicy's `tier`)
 */

/**
 * How callers of a model authenticate, which decides where their tier is found.
 *
 * @public
 */
export type TierAuthMode = 'api-key' | 'oidc';

/**
 * The predicate of one tier, as the suite writes it.
 *
 * @public
 */
export function tierPredicate(auth: TierAuthMode, tier: string): string {
  const quoted = JSON.stringify(tier);
  return auth === 'api-key'
    ? `auth.identity.groups.split(",").exists(g, g == ${quoted})`
    : `auth.identity.tier == ${quoted}`;
}

// The reader also takes upstream's spellings: single quotes, any variable, operands swapped.
const Q = `["']`;
const NAME = `([A-Za-z0-9][-A-Za-z0-9_.]*)`;
const GROUPS_FORM = new RegExp(
  `^auth\\.identity\\.groups\\.split\\(\\s*${Q},${Q}\\s*\\)\\.exists\\(\\s*([A-Za-z_]\\w*)\\s*,\\s*(?:\\1\\s*==\\s*${Q}${NAME}${Q}|${Q}${NAME}${Q}\\s*==\\s*\\1)\\s*\\)$`,
);
const CLAIM_FORM = new RegExp(
  `^(?:auth\\.identity\\.tier\\s*==\\s*${Q}${NAME}${Q}|${Q}${NAME}${Q}\\s*==\\s*auth\\.identity\\.tier)$`,
);

/**
 * The tier a predicate selects; undefined for any other predicate, shown then as it is.
 *
 * @public
 */
export function tierOfPredicate(predicate: string): string | undefined {
  const text = predicate.trim();
  const groups = GROUPS_FORM.exec(text);
  if (groups) return groups[2] ?? groups[3];
  const claim = CLAIM_FORM.exec(text);
  if (claim) return claim[1] ?? claim[2];
  return undefined;
}

/**
 * The tier a whole limit applies to: every predicate must name the same tier.
 * `null` means no predicate (the limit applies to everyone); undefined means another shape.
 *
 * @public
 */
export function tierOfPredicates(
  predicates: string[],
): string | null | undefined {
  if (predicates.length === 0) return null;
  const tiers = predicates.map(tierOfPredicate);
  const first = tiers[0];
  return first !== undefined && tiers.every(t => t === first)
    ? first
    : undefined;
}
