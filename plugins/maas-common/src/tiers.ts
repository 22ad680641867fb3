/**
 * Tiers: named request and token limits, and whether a key at that tier needs an approver.
 * The numbers come from the `maas.tiers` config or the template form; this file only checks them.
 */

/** @public */
export type TierApproval = 'auto' | 'manual';

/** @public */
export interface RateLimit {
  limit: number;
  /** Kuadrant window, e.g. `2m`, `1h`, `30s`, `500ms`. */
  window: string;
}

/** @public */
export interface TierDefinition {
  name: string;
  requests: RateLimit;
  tokens: RateLimit;
  approval: TierApproval;
}

/**
 * Kuadrant's own pattern for `rates[].window` (its CRD): units h, m, s, ms; no days.
 *
 * @public
 */
export const KUADRANT_WINDOW_PATTERN = /^([0-9]{1,5}(h|m|s|ms)){1,4}$/;

/**
 * A problem with one field: the path names the field as the user wrote it.
 *
 * @public
 */
export interface FieldProblem {
  path: string;
  message: string;
}

const TIER_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * The rule for a tier name (a DNS-1123 label): lower-case letters, digits and dashes, 1 to 63.
 *
 * @public
 */
export function isTierName(name: unknown): name is string {
  return typeof name === 'string' && TIER_NAME.test(name);
}

/** @public */
export function checkWindow(path: string, window: unknown): FieldProblem[] {
  if (typeof window !== 'string' || !KUADRANT_WINDOW_PATTERN.test(window)) {
    return [
      {
        path,
        message: `window ${JSON.stringify(
          window,
        )} is not a Kuadrant window; use a number with h, m, s or ms, such as "2m" or "24h" (days are not accepted)`,
      },
    ];
  }
  return [];
}

/** @public */
export function checkLimit(path: string, limit: unknown): FieldProblem[] {
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit <= 0) {
    return [
      {
        path,
        message: `limit ${JSON.stringify(
          limit,
        )} must be a whole number above 0`,
      },
    ];
  }
  return [];
}

/**
 * Checks a list of tiers; returns every problem found, each naming its field.
 *
 * @public
 */
export function checkTiers(
  path: string,
  tiers: TierDefinition[],
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (tiers.length === 0) {
    problems.push({ path, message: 'at least one tier is needed' });
  }
  const seen = new Set<string>();
  tiers.forEach((tier, i) => {
    const at = `${path}[${i}]`;
    if (!isTierName(tier.name)) {
      problems.push({
        path: `${at}.name`,
        message: `tier name ${JSON.stringify(
          tier.name,
        )} must be lower-case letters, digits and dashes`,
      });
    } else if (seen.has(tier.name)) {
      problems.push({
        path: `${at}.name`,
        message: `tier "${tier.name}" appears twice`,
      });
    }
    seen.add(tier.name);
    problems.push(...checkLimit(`${at}.requests.limit`, tier.requests?.limit));
    problems.push(
      ...checkWindow(`${at}.requests.window`, tier.requests?.window),
    );
    problems.push(...checkLimit(`${at}.tokens.limit`, tier.tokens?.limit));
    problems.push(...checkWindow(`${at}.tokens.window`, tier.tokens?.window));
    if (tier.approval !== 'auto' && tier.approval !== 'manual') {
      problems.push({
        path: `${at}.approval`,
        message: `approval ${JSON.stringify(
          tier.approval,
        )} must be "auto" or "manual"`,
      });
    }
  });
  return problems;
}

/** @public */
export function formatProblems(problems: FieldProblem[]): string {
  return problems.map(p => `${p.path}: ${p.message}`).join('; ');
}
