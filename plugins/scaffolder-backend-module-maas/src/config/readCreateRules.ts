import { Config, ConfigReader } from '@backstage/config';
import { isDnsLabel } from '@maas-portal/plugin-maas-common';
import {
  MaasConfigError,
  maasSection,
  readPlatformConfig,
} from '@maas-portal/plugin-maas-node';
import { parseQuantity } from '../guard/quantity';

/** One namespace models may be created in, and who may (no groups: everyone who may create). */
export interface NamespaceRule {
  namespace: string;
  groups?: string[];
  /** The most GPUs all models of the namespace may ask for together. */
  maxGpus?: number;
  /** The most CPU all models of the namespace may ask for together (a Kubernetes quantity). */
  maxCpu?: string;
}

/** What "Create model" may create, from `maas.create.*`; every refusal names its key. */
export interface CreateRules {
  namespaces: NamespaceRule[];
  /** Allowed images per runtime; an entry ending in `*` allows every image it starts. */
  images: { vllm: string[]; simulator: string[] };
  /** URI schemes a model's weights may come from, e.g. `hf`, `s3`. */
  storageSchemes: string[];
  maxGpus: number;
  /** Kubernetes quantities, as configured. */
  maxCpu: string;
  maxMemory: string;
  /** Gateways a model's route may attach to (`maas.create.gateways`; default `maas.gateway`). */
  gateways: Array<{ name: string; namespace: string }>;
  domainSuffix: string;
  /** `maas.cluster.impersonateUsers`: apply as the signed-in user, so the API server's RBAC decides. */
  impersonateUsers: boolean;
  /** `maas.cluster.impersonation.{user,group}`: how a catalog ref becomes a Kubernetes name. */
  impersonation: { user: string; group: string };
}

export const DEFAULT_STORAGE_SCHEMES = ['hf', 's3', 'gs', 'oci'];
export const DEFAULT_MAX_GPUS = 4;
export const DEFAULT_MAX_CPU = '16';
export const DEFAULT_MAX_MEMORY = '64Gi';

function readNamespaces(create: Config, fallback: string): NamespaceRule[] {
  const entries = create.getOptionalConfigArray('namespaces');
  if (!entries) return [{ namespace: fallback }];
  if (entries.length === 0) {
    throw new MaasConfigError(
      'maas.create.namespaces: empty; list at least one namespace, or leave it out for maas.namespace',
    );
  }
  return entries.map((entry, i) => {
    const namespace = entry.getString('namespace');
    if (!isDnsLabel(namespace)) {
      throw new MaasConfigError(
        `maas.create.namespaces[${i}].namespace: "${namespace}" is not a Kubernetes name`,
      );
    }
    const groups = entry.getOptionalStringArray('groups');
    const rule: NamespaceRule = groups ? { namespace, groups } : { namespace };
    const maxGpus = entry.getOptionalNumber('maxGpus');
    if (maxGpus !== undefined) {
      if (!Number.isInteger(maxGpus) || maxGpus < 0) {
        throw new MaasConfigError(
          `maas.create.namespaces[${i}].maxGpus: ${maxGpus} must be a whole number, 0 or more`,
        );
      }
      rule.maxGpus = maxGpus;
    }
    if (entry.has('maxCpu'))
      rule.maxCpu = readQuantity(entry, 'maxCpu', '', `namespaces[${i}].`);
    return rule;
  });
}

function readQuantity(
  create: Config,
  key: string,
  fallback: string,
  /** Where `create` is under `maas.create`, for the message, e.g. `namespaces[1].`. */
  at = '',
): string {
  const value = String(
    create.getOptional<string | number>(key) ?? fallback,
  ).trim();
  if (parseQuantity(value) === undefined) {
    throw new MaasConfigError(
      `maas.create.${at}${key}: "${value}" is not a Kubernetes quantity such as "16" or "64Gi"`,
    );
  }
  return value;
}

function readGateways(
  create: Config,
  fallback: { name: string; namespace: string },
): Array<{ name: string; namespace: string }> {
  const entries = create.getOptionalConfigArray('gateways');
  if (!entries) return [{ name: fallback.name, namespace: fallback.namespace }];
  return entries.map((entry, i) => {
    const gateway = {
      name: entry.getString('name'),
      namespace: entry.getString('namespace'),
    };
    for (const key of ['name', 'namespace'] as const) {
      if (!isDnsLabel(gateway[key])) {
        throw new MaasConfigError(
          `maas.create.gateways[${i}].${key}: "${gateway[key]}" is not a Kubernetes name`,
        );
      }
    }
    return gateway;
  });
}

function readNameFormat(maas: Config, key: string): string {
  const format = maas.getOptionalString(key) ?? '{ref}';
  if (!format.includes('{ref}') && !format.includes('{name}')) {
    throw new MaasConfigError(
      `maas.${key}: "${format}" names nobody; use {ref} (e.g. user:default/alice) or {name} (alice), with {namespace} and {kind} if needed`,
    );
  }
  return format;
}

/** Reads and checks `maas.create.*` (and `maas.cluster.impersonate*`) once, at start-up. */
export function readCreateRules(
  root: Config,
  images: { vllm: string; simulator: string },
): CreateRules {
  const platform = readPlatformConfig(root);
  const maas = maasSection(root);
  const create = maas.getOptionalConfig('create') ?? new ConfigReader({});
  const storageSchemes =
    create.getOptionalStringArray('storageSchemes') ?? DEFAULT_STORAGE_SCHEMES;
  storageSchemes.forEach((scheme, i) => {
    if (!/^[a-z][a-z0-9+.-]*$/.test(scheme)) {
      throw new MaasConfigError(
        `maas.create.storageSchemes[${i}]: "${scheme}" is not a URI scheme such as "hf" (without "://")`,
      );
    }
  });
  const maxGpus = create.getOptionalNumber('maxGpus') ?? DEFAULT_MAX_GPUS;
  if (!Number.isInteger(maxGpus) || maxGpus < 0) {
    throw new MaasConfigError(
      `maas.create.maxGpus: ${maxGpus} must be a whole number, 0 or more`,
    );
  }
  return {
    namespaces: readNamespaces(create, platform.namespace),
    images: {
      vllm: create.getOptionalStringArray('images.vllm') ?? [images.vllm],
      simulator: create.getOptionalStringArray('images.simulator') ?? [
        images.simulator,
      ],
    },
    storageSchemes,
    maxGpus,
    maxCpu: readQuantity(create, 'maxCpu', DEFAULT_MAX_CPU),
    maxMemory: readQuantity(create, 'maxMemory', DEFAULT_MAX_MEMORY),
    gateways: readGateways(create, platform.gateway),
    domainSuffix: platform.domainSuffix,
    impersonateUsers:
      maas.getOptionalBoolean('cluster.impersonateUsers') ?? false,
    impersonation: {
      user: readNameFormat(maas, 'cluster.impersonation.user'),
      group: readNameFormat(maas, 'cluster.impersonation.group'),
    },
  };
}
