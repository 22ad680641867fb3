import { Config } from '@backstage/config';
import { MaasConfigError } from '@maas-portal/plugin-maas-node';

/**
 * Prices of one tier or model; either may be absent (then that part is not billed by it).
 *
 * @public
 */
export interface Prices {
  perMillionTokens?: number;
  perThousandRequests?: number;
}

/**
 * `maas.pricing`, read once at start-up. A model's price overrides its tier's price, field by
 * field: a model that sets only `perMillionTokens` keeps its tier's `perThousandRequests`.
 *
 * @public
 */
export interface PricingConfig {
  /** ISO 4217 code, e.g. EUR. */
  currency: string;
  /** Decimals every cost is rounded to (each row, then sums of rounded rows). */
  decimals: number;
  /** By tier name (Limitador's `group` label). */
  tiers: Map<string, Prices>;
  /** By the model's InferenceService, `<namespace>/<name>`. */
  models: Map<string, Prices>;
}

const PRICE_FIELDS = ['perMillionTokens', 'perThousandRequests'] as const;

function readPrices(entry: Config, path: string): Prices {
  const prices: Prices = {};
  for (const field of PRICE_FIELDS) {
    const raw = entry.getOptional(field);
    if (raw === undefined) continue;
    const value =
      typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new MaasConfigError(
        `${path}.${field} must be a non-negative number, got ${JSON.stringify(
          raw,
        )}`,
      );
    }
    prices[field] = value;
  }
  if (Object.keys(prices).length === 0) {
    throw new MaasConfigError(
      `${path} sets no price: give perMillionTokens, perThousandRequests or both`,
    );
  }
  return prices;
}

function readEntries(
  pricing: Config,
  list: 'tiers' | 'models',
  nameKey: 'tier' | 'model',
  check: (name: string, path: string) => void,
): Map<string, Prices> {
  const result = new Map<string, Prices>();
  const entries = pricing.getOptionalConfigArray(list) ?? [];
  entries.forEach((entry, i) => {
    const path = `maas.pricing.${list}[${i}]`;
    const name = entry.getOptional(nameKey);
    if (typeof name !== 'string' || name === '') {
      throw new MaasConfigError(`${path}.${nameKey} must be set`);
    }
    check(name, `${path}.${nameKey}`);
    if (result.has(name)) {
      throw new MaasConfigError(
        `${path}.${nameKey}: "${name}" is priced twice; keep one entry`,
      );
    }
    result.set(name, readPrices(entry, path));
  });
  return result;
}

/**
 * Reads and checks `maas.pricing` (the section under `maas`); undefined when it is not set, and
 * then the Costs page shows usage without costs and says so.
 */
export function readPricingConfig(
  maas: Config,
  tierNames: string[],
): PricingConfig | undefined {
  const pricing = maas.getOptionalConfig('pricing');
  if (!pricing) return undefined;
  const currency = pricing.getOptional('currency');
  if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) {
    throw new MaasConfigError(
      `maas.pricing.currency must be an ISO 4217 code of three capital letters (e.g. EUR), got ${JSON.stringify(
        currency,
      )}`,
    );
  }
  const decimals = pricing.getOptional('decimals') ?? 2;
  if (
    typeof decimals !== 'number' ||
    !Number.isInteger(decimals) ||
    decimals < 0 ||
    decimals > 6
  ) {
    throw new MaasConfigError(
      `maas.pricing.decimals must be a whole number from 0 to 6, got ${JSON.stringify(
        decimals,
      )}`,
    );
  }
  const tiers = readEntries(pricing, 'tiers', 'tier', (name, path) => {
    if (!tierNames.includes(name)) {
      throw new MaasConfigError(
        `${path}: "${name}" is not a tier of maas.tiers (${tierNames.join(
          ', ',
        )})`,
      );
    }
  });
  const models = readEntries(pricing, 'models', 'model', (name, path) => {
    if (
      !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/.test(
        name,
      )
    ) {
      throw new MaasConfigError(
        `${path}: "${name}" is not <namespace>/<name> of the model's InferenceService (e.g. llm/qwen3)`,
      );
    }
  });
  if (tiers.size === 0 && models.size === 0) {
    throw new MaasConfigError(
      'maas.pricing sets no price: add maas.pricing.tiers[] or maas.pricing.models[]',
    );
  }
  return { currency, decimals, tiers, models };
}

/** The prices that apply to a model's calls in a tier: the model's fields over the tier's. */
export function pricesFor(
  pricing: PricingConfig,
  model: string | undefined,
  tier: string | undefined,
): Prices {
  return {
    ...(tier ? pricing.tiers.get(tier) : undefined),
    ...(model ? pricing.models.get(model) : undefined),
  };
}
