import { Config } from '@backstage/config';
import {
  ClusterConfig,
  maasSection,
  MaasConfigError,
  PlatformConfig,
  readClusterConfig,
  readPlatformConfig,
} from '@maas-portal/plugin-maas-node';
import { PricingConfig, readPricingConfig } from './pricingConfig';
import { readBudgetsConfig, TeamBudget } from './budgetsConfig';
import {
  DEFAULT_COST_TIME_ZONE,
  isTimeZone,
} from '@maas-portal/plugin-maas-common';

export { DEFAULT_TIERS, MaasConfigError } from '@maas-portal/plugin-maas-node';

/**
 * The `maas` config section, read once at start-up, with defaults applied and values checked.
 *
 * @public
 */
export interface MaasConfig extends PlatformConfig {
  cluster: ClusterConfig;
  prometheus: { url?: string; timeoutMs: number; cacheTtlSeconds: number };
  /** Limitador's HTTP API, for live quota; without a URL quota left is estimated from metrics. */
  limitador: { url?: string; timeoutMs: number };
  /**
   * `maas.gateway.url`: where the backend reaches the gateway (e.g. its in-cluster Service), for the
   * playground; the model's host name goes in the Host header. Absent: the route's own URL.
   */
  gatewayUrl?: string;
  /** Above this share of vLLM's tokens left uncounted by Limitador, token limits are not enforced. */
  usage: { tokenMismatchShare: number };
  keys: KeysConfig;
  /** `maas.adminGroups`: their members decide any key request and adopt models. */
  adminGroups: string[];
  approvals: { allowSelfApproval: boolean };
  /** `maas.pricing`: absent when not configured (costs then show usage only). */
  pricing?: PricingConfig;
  /** `maas.costs.timeZone`: the IANA zone the Costs months and the budgets' months run in. */
  costs: { timeZone: string };
  /** `maas.budgets`: a monthly amount per catalog Group, in the pricing's currency (soft: nothing is blocked). */
  budgets: TeamBudget[];
  /**
   * `app.baseUrl` (Backstage's own key): where the portal's pages are, for links in answers read
   * outside the app (the MCP actions'). Absent: links are paths.
   */
  appBaseUrl?: string;
}

/** `maas.adminGroups` when not configured. */
export const DEFAULT_ADMIN_GROUPS = ['group:default/platform-team'];

/**
 * The `maas.keys` section: how API keys are issued, capped, rotated and expired.
 *
 * @public
 */
export interface KeysConfig {
  /** Keys plus open new-key requests one user may have per model. */
  maxActivePerUserAndModel: number;
  defaultTtlDays: number;
  maxTtlDays: number;
  /** How long a rotated key keeps working next to its replacement. */
  rotationOverlapMinutes: number;
  reasonMaxLength: number;
  /** Start of every key value, so that a leaked key is recognisable. */
  prefix: string;
  /** Where key Secrets are written: the namespace where kuadrant-operator writes AuthConfigs. */
  namespace: string;
}

export const DEFAULT_KEYS_CONFIG: KeysConfig = {
  maxActivePerUserAndModel: 3,
  defaultTtlDays: 90,
  maxTtlDays: 365,
  rotationOverlapMinutes: 60,
  reasonMaxLength: 500,
  prefix: 'maas_',
  namespace: 'kuadrant-system',
};

function positive(config: Config, key: string, fallback: number): number {
  const value = config.getOptionalNumber(key) ?? fallback;
  if (!(value > 0)) {
    throw new MaasConfigError(`maas.${key}: ${value} must be above 0`);
  }
  return value;
}

function positiveInteger(
  config: Config,
  key: string,
  fallback: number,
): number {
  const value = positive(config, key, fallback);
  if (!Number.isInteger(value)) {
    throw new MaasConfigError(`maas.${key}: ${value} must be a whole number`);
  }
  return value;
}

function readKeys(config: Config): KeysConfig {
  const d = DEFAULT_KEYS_CONFIG;
  const keys: KeysConfig = {
    maxActivePerUserAndModel: positiveInteger(
      config,
      'keys.maxActivePerUserAndModel',
      d.maxActivePerUserAndModel,
    ),
    defaultTtlDays: positiveInteger(
      config,
      'keys.defaultTtlDays',
      d.defaultTtlDays,
    ),
    maxTtlDays: positiveInteger(config, 'keys.maxTtlDays', d.maxTtlDays),
    rotationOverlapMinutes: positiveInteger(
      config,
      'keys.rotationOverlapMinutes',
      d.rotationOverlapMinutes,
    ),
    reasonMaxLength: positiveInteger(
      config,
      'keys.reasonMaxLength',
      d.reasonMaxLength,
    ),
    prefix: config.getOptionalString('keys.prefix') ?? d.prefix,
    namespace: config.getOptionalString('keys.namespace') ?? d.namespace,
  };
  if (keys.defaultTtlDays > keys.maxTtlDays) {
    throw new MaasConfigError(
      `maas.keys.defaultTtlDays: ${keys.defaultTtlDays} is above maas.keys.maxTtlDays (${keys.maxTtlDays})`,
    );
  }
  if (!/^[A-Za-z0-9_-]{1,16}$/.test(keys.prefix)) {
    throw new MaasConfigError(
      `maas.keys.prefix: "${keys.prefix}" must be 1 to 16 letters, digits, "_" or "-"`,
    );
  }
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(keys.namespace)) {
    throw new MaasConfigError(
      `maas.keys.namespace: "${keys.namespace}" is not a namespace name (lower-case letters, digits and "-", at most 63)`,
    );
  }
  return keys;
}

function readShare(config: Config, key: string, fallback: number): number {
  const value = config.getOptionalNumber(key) ?? fallback;
  if (!(value > 0 && value < 1)) {
    throw new MaasConfigError(
      `maas.${key}: ${value} must be a share between 0 and 1 (e.g. 0.1 for 10 %)`,
    );
  }
  return value;
}

function readUrl(config: Config, key: string): string | undefined {
  const value = config.getOptionalString(key);
  if (value === undefined || value === '') return undefined;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new Error();
  } catch {
    throw new MaasConfigError(`maas.${key}: "${value}" is not an http(s) URL`);
  }
  return value.replace(/\/+$/, '');
}

function readAdminGroups(config: Config): string[] {
  const groups =
    config.getOptionalStringArray('adminGroups') ?? DEFAULT_ADMIN_GROUPS;
  groups.forEach((group, i) => {
    if (!/^group:[^/:]+\/[^/:]+$/.test(group)) {
      throw new MaasConfigError(
        `maas.adminGroups[${i}]: "${group}" is not a group entity ref (group:<namespace>/<name>)`,
      );
    }
  });
  return groups;
}

function readTimeZone(config: Config, key: string): string {
  const value = config.getOptionalString(key) ?? DEFAULT_COST_TIME_ZONE;
  if (!isTimeZone(value)) {
    throw new MaasConfigError(
      `maas.${key}: "${value}" is not an IANA time zone (e.g. UTC, Europe/Berlin, Asia/Kolkata)`,
    );
  }
  return value;
}

/**
 * Reads the `maas` config section with its defaults, and throws a `MaasConfigError` naming the key
 * of the first bad value.
 *
 * @public
 */
export function readMaasConfig(root: Config): MaasConfig {
  const config = maasSection(root);
  const platform = readPlatformConfig(root);
  const pricing = readPricingConfig(
    config,
    platform.tiers.map(t => t.name),
  );
  return {
    ...platform,
    cluster: readClusterConfig(root),
    prometheus: {
      url: readUrl(config, 'prometheus.url'),
      timeoutMs: positive(config, 'prometheus.timeoutMs', 5000),
      cacheTtlSeconds: positive(config, 'prometheus.cacheTtlSeconds', 30),
    },
    limitador: {
      url: readUrl(config, 'limitador.url'),
      timeoutMs: positive(config, 'limitador.timeoutMs', 3000),
    },
    gatewayUrl: readUrl(config, 'gateway.url'),
    usage: {
      tokenMismatchShare: readShare(config, 'usage.tokenMismatchShare', 0.1),
    },
    keys: readKeys(config),
    adminGroups: readAdminGroups(config),
    approvals: {
      allowSelfApproval:
        config.getOptionalBoolean('approvals.allowSelfApproval') ?? false,
    },
    pricing,
    costs: { timeZone: readTimeZone(config, 'costs.timeZone') },
    budgets: readBudgetsConfig(config, pricing),
    appBaseUrl: root.getOptionalString('app.baseUrl')?.replace(/\/+$/, ''),
  };
}
