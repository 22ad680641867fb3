import { Config } from '@backstage/config';
import { MaasConfigError } from '@maas-portal/plugin-maas-node';
import { PricingConfig } from './pricingConfig';

/**
 * One team's monthly budget: an amount in `maas.pricing`'s currency per calendar month (in `maas.costs.timeZone`) for a
 * catalog Group, whose spend is its row on the Costs page (its members and its child groups'
 * members, once each). A soft budget: nothing is blocked when it is spent.
 *
 * @public
 */
export interface TeamBudget {
  /** The Group's entity ref, `group:<namespace>/<name>`. */
  group: string;
  /** The amount per calendar month, in `maas.pricing.currency`. */
  monthly: number;
}

const GROUP_REF = /^group:[^/:\s]+\/[^/:\s]+$/;

/**
 * Reads and checks `maas.budgets` (the section under `maas`); an empty list when it is not set.
 * Budgets are amounts in the pricing's currency, so they need `maas.pricing`.
 */
export function readBudgetsConfig(
  maas: Config,
  pricing: PricingConfig | undefined,
): TeamBudget[] {
  const entries = maas.getOptionalConfigArray('budgets') ?? [];
  if (entries.length > 0 && !pricing) {
    throw new MaasConfigError(
      'maas.budgets needs maas.pricing: a budget is an amount in its currency, and without prices there is no spend ' +
        'to hold against it. Add maas.pricing (currency and prices) or remove maas.budgets',
    );
  }
  const seen = new Set<string>();
  return entries.map((entry, i) => {
    const path = `maas.budgets[${i}]`;
    const group = entry.getOptional('group');
    if (typeof group !== 'string' || !GROUP_REF.test(group)) {
      throw new MaasConfigError(
        `${path}.group must be a Group's entity ref, group:<namespace>/<name> (e.g. group:default/team-a), got ${JSON.stringify(
          group,
        )}`,
      );
    }
    if (seen.has(group)) {
      throw new MaasConfigError(
        `${path}.group: ${group} has two budgets; keep one entry`,
      );
    }
    seen.add(group);
    const raw = entry.getOptional('monthly');
    const monthly =
      typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    if (
      typeof monthly !== 'number' ||
      !Number.isFinite(monthly) ||
      monthly <= 0
    ) {
      throw new MaasConfigError(
        `${path}.monthly must be an amount above 0 in maas.pricing.currency (${
          pricing!.currency
        }), got ${JSON.stringify(raw)}`,
      );
    }
    return { group, monthly };
  });
}
