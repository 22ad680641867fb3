import { Config, ConfigReader } from '@backstage/config';
import {
  checkTiers,
  formatProblems,
  isDnsLabel,
  ObjectRef,
  TierDefinition,
} from '@maas-portal/plugin-maas-common';
import { MaasConfigError } from './MaasConfigError';

/**
 * The settings of the platform the suite sits on, shared by the backend plugin and the scaffolder
 * module: where models live, the Gateway, host names, and the tiers.
 *
 * @public
 */
export interface PlatformConfig {
  namespace: string;
  /**
   * `maas.catalog.namespaces`: the only namespaces whose InferenceServices become catalog entities
   * (default `maas.namespace` and each of `maas.create.namespaces`). Whoever may annotate an
   * InferenceService elsewhere must not be able to put a model into the catalog.
   */
  catalogNamespaces: string[];
  gateway: ObjectRef;
  domainSuffix: string;
  scheme: 'http' | 'https';
  tiers: TierDefinition[];
}

/**
 * The seed's tiers, used when `maas.tiers` is not configured.
 *
 * @public
 */
export const DEFAULT_TIERS: TierDefinition[] = [
  {
    name: 'free',
    requests: { limit: 5, window: '2m' },
    tokens: { limit: 100000, window: '1m' },
    approval: 'auto',
  },
  {
    name: 'premium',
    requests: { limit: 20, window: '2m' },
    tokens: { limit: 500000, window: '1m' },
    approval: 'manual',
  },
  {
    name: 'enterprise',
    requests: { limit: 100, window: '2m' },
    tokens: { limit: 2000000, window: '1m' },
    approval: 'manual',
  },
];

/**
 * The `maas` section, or an empty one, so that every default applies.
 *
 * @public
 */
export function maasSection(root: Config): Config {
  return root.getOptionalConfig('maas') ?? new ConfigReader({});
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
    throw new MaasConfigError(
      `Invalid MaaS tiers config: ${formatProblems(problems)}`,
    );
  }
  return tiers;
}

/**
 * `maas.catalog.namespaces`, or where models are made: `maas.namespace` and the namespaces of
 * `maas.create.namespaces` (the scaffolder module checks the rest of that list).
 */
function readCatalogNamespaces(config: Config, namespace: string): string[] {
  const listed = config.getOptionalStringArray('catalog.namespaces');
  if (listed) {
    if (listed.length === 0)
      throw new MaasConfigError(
        'maas.catalog.namespaces: empty; list the namespaces whose models the catalog shows, or leave it out for maas.namespace and maas.create.namespaces',
      );
    for (const [i, value] of listed.entries())
      if (!isDnsLabel(value))
        throw new MaasConfigError(
          `maas.catalog.namespaces[${i}]: "${value}" is not a Kubernetes namespace name (lower-case letters, digits and dashes)`,
        );
    return [...new Set(listed)];
  }
  const created = (config.getOptionalConfigArray('create.namespaces') ?? [])
    .map(entry => entry.getOptionalString('namespace'))
    .filter((n): n is string => !!n && isDnsLabel(n));
  return [...new Set([namespace, ...created])];
}

/**
 * Reads and checks the platform settings; a bad value throws {@link MaasConfigError}.
 *
 * @public
 */
export function readPlatformConfig(root: Config): PlatformConfig {
  const config = maasSection(root);
  const scheme = config.getOptionalString('scheme') ?? 'http';
  if (scheme !== 'http' && scheme !== 'https') {
    throw new MaasConfigError(`maas.scheme: "${scheme}" must be http or https`);
  }
  const domainSuffix = config.getOptionalString('domainSuffix') ?? 'maas.local';
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(domainSuffix)) {
    throw new MaasConfigError(
      `maas.domainSuffix: "${domainSuffix}" is not a DNS name`,
    );
  }
  const namespace = dnsLabel(config, 'namespace', 'llm');
  return {
    namespace,
    catalogNamespaces: readCatalogNamespaces(config, namespace),
    gateway: {
      name: dnsLabel(config, 'gateway.name', 'inference-gateway'),
      namespace: dnsLabel(config, 'gateway.namespace', namespace),
    },
    domainSuffix,
    scheme,
    tiers: readTiers(config),
  };
}
