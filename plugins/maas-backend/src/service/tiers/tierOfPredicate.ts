/**
 * Reads a tier name out of a Kuadrant `when` predicate, in the two forms the suite's templates and
 * upstream's manifests write:
 *   API keys: auth.identity.groups.split(",").exists(g, g == "free")
 *   OIDC:     auth.identity.tier == "free"
 * Anything else returns undefined, and the caller shows the predicate as it is.
 */
const Q = `["']`;
const NAME = `([A-Za-z0-9][-A-Za-z0-9_.]*)`;
const GROUPS_FORM = new RegExp(
  `^auth\\.identity\\.groups\\.split\\(\\s*${Q},${Q}\\s*\\)\\.exists\\(\\s*([A-Za-z_]\\w*)\\s*,\\s*(?:\\1\\s*==\\s*${Q}${NAME}${Q}|${Q}${NAME}${Q}\\s*==\\s*\\1)\\s*\\)$`,
);
const CLAIM_FORM = new RegExp(
  `^(?:auth\\.identity\\.tier\\s*==\\s*${Q}${NAME}${Q}|${Q}${NAME}${Q}\\s*==\\s*auth\\.identity\\.tier)$`,
);

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
