import {
  HTTP_ROUTE,
  INFERENCE_SERVICE,
  SERVING_RUNTIME,
} from '@maas-portal/plugin-maas-node';
import { CreateRules } from '../config/readCreateRules';
import { parseQuantity } from './quantity';

/** The signed-in user who creates a model: their entity ref and ownership refs (groups). */
export interface Creator {
  userEntityRef?: string;
  ownershipEntityRefs: string[];
}

export interface AnyObject {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  spec?: unknown;
}

export const GPU_RESOURCE = 'nvidia.com/gpu';

/** Every value of `key` anywhere in `node`, depth first. */
function valuesOf(node: unknown, key: string): unknown[] {
  if (Array.isArray(node)) return node.flatMap(n => valuesOf(n, key));
  if (!node || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([k, v]) =>
    k === key ? [v, ...valuesOf(v, key)] : valuesOf(v, key),
  );
}

const list = (values: string[]) => (values.length ? values.join(', ') : 'none');

/** The namespaces `creator` may create models in, by `maas.create.namespaces`. */
export function allowedNamespaces(
  rules: CreateRules,
  creator: Creator,
): string[] {
  const mine = new Set(creator.ownershipEntityRefs);
  return rules.namespaces
    .filter(r => !r.groups || r.groups.some(g => mine.has(g)))
    .map(r => r.namespace);
}

export function namespaceRefusal(
  namespace: string,
  rules: CreateRules,
  creator: Creator,
): string | undefined {
  const allowed = allowedNamespaces(rules, creator);
  if (allowed.includes(namespace)) return undefined;
  return `namespace "${namespace}" is not one you may create models in (maas.create.namespaces); yours: ${list(
    allowed,
  )}`;
}

export function hostnameRefusal(
  hostname: string,
  rules: Pick<CreateRules, 'domainSuffix'>,
): string | undefined {
  const suffix = `.${rules.domainSuffix}`;
  if (hostname.endsWith(suffix) && hostname.length > suffix.length)
    return undefined;
  return `hostname "${hostname}" is outside the portal's domain (maas.domainSuffix): host names must end in "${suffix}"`;
}

/** A model's route attaches only to a Gateway of `maas.create.gateways`. */
export function gatewayRefusal(
  gateway: { name: string; namespace: string },
  rules: Pick<CreateRules, 'gateways'>,
): string | undefined {
  if (
    rules.gateways.some(
      g => g.name === gateway.name && g.namespace === gateway.namespace,
    )
  )
    return undefined;
  return `gateway "${gateway.namespace}/${
    gateway.name
  }" is not one models may attach to (maas.create.gateways); allowed: ${list(
    rules.gateways.map(g => `${g.namespace}/${g.name}`),
  )}; leave the gateway empty for the portal's`;
}

function imageRefusals(object: AnyObject, rules: CreateRules): string[] {
  const runtime = object.kind === SERVING_RUNTIME.kind ? 'vllm' : 'simulator';
  const allowed = rules.images[runtime];
  const ok = (image: string) =>
    allowed.some(a =>
      a.endsWith('*') ? image.startsWith(a.slice(0, -1)) : image === a,
    );
  return valuesOf(object.spec, 'image')
    .map(String)
    .filter(image => !ok(image))
    .map(
      image =>
        `serving.image "${image}" is not an allowed ${
          runtime === 'vllm' ? 'vLLM' : 'simulator'
        } image (maas.create.images.${runtime}); allowed: ${list(allowed)}`,
    );
}

function storageRefusals(object: AnyObject, rules: CreateRules): string[] {
  return valuesOf(object.spec, 'storageUri')
    .map(String)
    .filter(uri => {
      const scheme = /^([a-z][a-z0-9+.-]*):\/\//.exec(uri)?.[1];
      return !scheme || !rules.storageSchemes.includes(scheme);
    })
    .map(
      uri =>
        `serving.storageUri "${uri}" does not use an allowed storage scheme (maas.create.storageSchemes); allowed: ${list(
          rules.storageSchemes.map(s => `${s}://`),
        )}`,
    );
}

/** A value that is no quantity counts as over any cap. */
const amountOf = (value: unknown) =>
  value === undefined ? 0 : parseQuantity(value) ?? Infinity;

/** What the object's containers ask for in all, per resource (the larger of request and limit). */
export function totalResources(object: AnyObject): Record<string, number> {
  const total: Record<string, number> = {};
  for (const resources of valuesOf(object.spec, 'resources')) {
    const { requests = {}, limits = {} } = (resources ?? {}) as Record<
      string,
      Record<string, unknown>
    >;
    for (const name of new Set([
      ...Object.keys(requests),
      ...Object.keys(limits),
    ])) {
      const amount = Math.max(amountOf(requests[name]), amountOf(limits[name]));
      total[name] = (total[name] ?? 0) + amount;
    }
  }
  return total;
}

/** An amount as the form writes it: memory in Gi, others as numbers. */
export function shown(resource: string, amount: number): string {
  if (!Number.isFinite(amount)) return 'a bad value';
  if (resource !== 'memory') return String(amount);
  return `${Math.round((amount / 2 ** 30) * 100) / 100}Gi`;
}

function capRefusals(object: AnyObject, rules: CreateRules): string[] {
  const total = totalResources(object);
  const caps = [
    ['gpus', GPU_RESOURCE, rules.maxGpus, 'maas.create.maxGpus'],
    ['cpu', 'cpu', rules.maxCpu, 'maas.create.maxCpu'],
    ['memory', 'memory', rules.maxMemory, 'maas.create.maxMemory'],
  ] as const;
  return caps
    .filter(([, resource, cap]) => (total[resource] ?? 0) > parseQuantity(cap)!)
    .map(
      ([field, resource, cap, key]) =>
        `serving.${field}: ${shown(
          resource,
          total[resource],
        )} (${resource}) is above the cap (${key}): at most ${cap}`,
    );
}

/**
 * Why `creator` may not create these objects under `maas.create.*`: namespaces, images, storage
 * schemes, GPU, CPU and memory caps, host names inside `maas.domainSuffix`, gateways of
 * `maas.create.gateways`. Each reason names its
 * setting and the allowed values. Empty when everything is allowed.
 */
export function createRefusals(
  objects: unknown[],
  rules: CreateRules,
  creator: Creator,
): string[] {
  const problems: string[] = [];
  const add = (p: string | undefined) => {
    if (p && !problems.includes(p)) problems.push(p);
  };
  for (const object of objects as AnyObject[]) {
    add(namespaceRefusal(object.metadata?.namespace ?? '', rules, creator));
    if (
      object.kind === SERVING_RUNTIME.kind ||
      object.kind === INFERENCE_SERVICE.kind
    ) {
      imageRefusals(object, rules).forEach(add);
      storageRefusals(object, rules).forEach(add);
      capRefusals(object, rules).forEach(add);
    }
    if (object.kind === HTTP_ROUTE.kind) {
      for (const host of valuesOf(object.spec, 'hostnames').flat()) {
        add(hostnameRefusal(String(host), rules));
      }
      for (const ref of valuesOf(object.spec, 'parentRefs').flat() as Array<{
        name?: string;
        namespace?: string;
      }>) {
        add(
          gatewayRefusal(
            {
              name: String(ref?.name),
              namespace: String(
                ref?.namespace ?? object.metadata?.namespace ?? '',
              ),
            },
            rules,
          ),
        );
      }
    }
  }
  return problems;
}
