import { Config, ConfigReader } from '@backstage/config';
import {
  checkTiers,
  formatProblems,
  isDnsLabel,
  ObjectRef,
  TierDefinition,
} from '@maas-portal/plugin-maas-common';

/** The `maas` config section, read once at start-up, with defaults applied and values checked. */
export interface MaasConfig {
  namespace: string;
  gateway: ObjectRef;
  domainSuffix: string;
  scheme: 'http' | 'https';
  cluster: { kubeconfig?: string; requestTimeoutMs: number };
  prometheus: { url?: string; timeoutMs: number; cacheTtlSeconds: number };
  tiers: TierDefinition[];
  keys: KeysConfig;
}

/** The `maas.keys` section: how API keys are issued, capped, rotated and expired. */
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
}

export const DEFAULT_KEYS_CONFIG: KeysConfig = {
  maxActivePerUserAndModel: 3,
  defaultTtlDays: 90,
  maxTtlDays: 365,
  rotationOverlapMinutes: 60,
  reasonMaxLength: 500,
  prefix: 'maas_',
};

/** The seed's tiers, used when `maas.tiers` is not configured. */
export const DEFAULT_TIERS: TierDefinition[] = [
  { name: 'free', requests: { limit: 5, window: '2m' }, tokens: { limit: 100000, window: '1m' }, approval: 'auto' },
  { name: 'premium', requests: { limit: 20, window: '2m' }, tokens: { limit: 500000, window: '1m' }, approval: 'manual' },
  { name: 'enterprise', requests: { limit: 100, window: '2m' }, tokens: { limit: 2000000, window: '1m' }, approval: 'manual' },
];

/** Thrown at start-up; its message names the offending config key. */
export class MaasConfigError extends Error {
  name = 'MaasConfigError';
}

function dnsLabel(config: Config, key: string, fallback: string): string {
  const value = config.getOptionalString(key) ?? fallback;
  if (!isDnsLabel(value)) {
    throw new MaasConfigError(
      `maas.${key}: "${value}" is not a valid Kubernetes name (lower-case letters, digits and dashes)`,
    );
  }
  return value;
}

function positive(config: Config, key: string, fallback: number): number {
  const value = config.getOptionalNumber(key) ?? fallback;
  if (!(value > 0)) {
    throw new MaasConfigError(`maas.${key}: ${value} must be above 0`);
  }
  return value;
}

function readTiers(config: Config): TierDefinition[] {
  const tierConfigs = config.getOptionalConfigArray('tiers');
  if (!tierConfigs) return DEFAULT_TIERS;
  const tiers = tierConfigs.map(t => ({
    name: t.getOptionalString('name') as string,
    requests: {
      limit: t.getOptionalNumber('requests.limit') as number,
      window: t.getOptionalString('requests.window') as string,
    },
    tokens: {
      limit: t.getOptionalNumber('tokens.limit') as number,
      window: t.getOptionalString('tokens.window') as string,
    },
    approval: t.getOptionalString('approval') as TierDefinition['approval'],
  }));
  const problems = checkTiers('maas.tiers', tiers);
  if (problems.length > 0) {
    throw new MaasConfigError(`Invalid MaaS tiers config: ${formatProblems(problems)}`);
  }
  return tiers;
}

function positiveInteger(config: Config, key: string, fallback: number): number {
  const value = positive(config, key, fallback);
  if (!Number.isInteger(value)) {
    throw new MaasConfigError(`maas.${key}: ${value} must be a whole number`);
  }
  return value;
}

function readKeys(config: Config): KeysConfig {
  const d = DEFAULT_KEYS_CONFIG;
  const keys: KeysConfig = {
    maxActivePerUserAndModel: positiveInteger(config, 'keys.maxActivePerUserAndModel', d.maxActivePerUserAndModel),
    defaultTtlDays: positiveInteger(config, 'keys.defaultTtlDays', d.defaultTtlDays),
    maxTtlDays: positiveInteger(config, 'keys.maxTtlDays', d.maxTtlDays),
    rotationOverlapMinutes: positiveInteger(config, 'keys.rotationOverlapMinutes', d.rotationOverlapMinutes),
    reasonMaxLength: positiveInteger(config, 'keys.reasonMaxLength', d.reasonMaxLength),
    prefix: config.getOptionalString('keys.prefix') ?? d.prefix,
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
  return keys;
}

function readUrl(config: Config, key: string): string | undefined {
  const value = config.getOptionalString(key);
  if (value === undefined || value === '') return undefined;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error();
  } catch {
    throw new MaasConfigError(`maas.${key}: "${value}" is not an http(s) URL`);
  }
  return value.replace(/\/+$/, '');
}

export function readMaasConfig(root: Config): MaasConfig {
  const config = root.getOptionalConfig('maas') ?? new ConfigReader({});
  const scheme = config.getOptionalString('scheme') ?? 'http';
  if (scheme !== 'http' && scheme !== 'https') {
    throw new MaasConfigError(`maas.scheme: "${scheme}" must be http or https`);
  }
  const domainSuffix = config.getOptionalString('domainSuffix') ?? 'maas.local';
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(domainSuffix)) {
    throw new MaasConfigError(`maas.domainSuffix: "${domainSuffix}" is not a DNS name`);
  }
  const namespace = dnsLabel(config, 'namespace', 'llm');
  return {
    namespace,
    gateway: {
      name: dnsLabel(config, 'gateway.name', 'inference-gateway'),
      namespace: dnsLabel(config, 'gateway.namespace', namespace),
    },
    domainSuffix,
    scheme,
    cluster: {
      kubeconfig: config.getOptionalString('cluster.kubeconfig'),
      requestTimeoutMs: positive(config, 'cluster.requestTimeoutMs', 10000),
    },
    prometheus: {
      url: readUrl(config, 'prometheus.url'),
      timeoutMs: positive(config, 'prometheus.timeoutMs', 5000),
      cacheTtlSeconds: positive(config, 'prometheus.cacheTtlSeconds', 30),
    },
    tiers: readTiers(config),
    keys: readKeys(config),
  };
}
