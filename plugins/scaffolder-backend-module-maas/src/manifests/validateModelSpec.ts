import {
  DEFAULT_NAMESPACE,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  checkLimit,
  checkWindow,
  FieldProblem,
  isDnsLabel,
  issuerUrlProblem,
  MODEL_NAME_RULE,
  modelNameProblem,
  ObjectRef,
} from '@maas-portal/plugin-maas-common';
import { FieldProblems } from './FieldProblems';
import { ModelSpec, ServingSpec, AuthSpec, TierLimits } from './types';

/** What the template form (or a caller of `maas:model:render`) gives; every field still unchecked. */
export interface ModelInput {
  name: string;
  namespace?: string;
  owner: string;
  system?: string;
  description?: string;
  hostname?: string;
  gateway?: { name?: string; namespace?: string };
  serving: {
    type: 'vllm' | 'simulator';
    storageUri?: string;
    gpus?: number;
    cpu?: string;
    memory?: string;
    maxModelLen?: number;
    image?: string;
    timeToFirstTokenMs?: number;
    interTokenLatencyMs?: number;
  };
  auth: {
    type: 'api-key' | 'oidc';
    issuerUrl?: string;
    tierClaim?: string;
    userIdClaim?: string;
  };
  tiers?: TierLimits[];
}

/** What the portal's config supplies when the form leaves a field empty. */
export interface ModelDefaults {
  namespace: string;
  gateway: ObjectRef;
  domainSuffix: string;
  scheme: 'http' | 'https';
  /** The portal's tiers (`maas.tiers`); a model may use all or some of them. */
  tiers: TierLimits[];
  vllmImage: string;
  simulatorImage: string;
  gpuNodeSelector: Record<string, string>;
}

export type ValidationResult =
  | { spec: ModelSpec; problems?: undefined }
  | { spec?: undefined; problems: FieldProblem[] };

const HOSTNAME =
  /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
const STORAGE_URI = /^(hf|s3|gs|pvc|oci|https?):\/\/\S+$/;
const IMAGE = /^[^\s]+$/;
const CLAIM = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Empty form fields arrive as `""`; they mean "use the default". */
function given<T>(value: T | '' | null | undefined): value is T {
  return value !== undefined && value !== null && value !== '';
}

function isWholeNumber(value: unknown, min: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min;
}

function checkEntityRef(
  path: string,
  value: unknown,
  kind: string,
  problems: FieldProblems,
) {
  try {
    if (typeof value !== 'string' || value.trim() === '') throw new Error();
    parseEntityRef(value, { defaultKind: kind, defaultNamespace: 'default' });
  } catch {
    problems.bad(
      path,
      value,
      `is not a catalog reference such as "group:default/team-a"`,
    );
  }
}

function checkDnsLabel(path: string, value: string, problems: FieldProblems) {
  if (!isDnsLabel(value)) {
    problems.bad(
      path,
      value,
      `is not a Kubernetes name (lower-case letters, digits and dashes, at most 63)`,
    );
  }
}

function validateServing(
  input: ModelInput['serving'],
  defaults: ModelDefaults,
  problems: FieldProblems,
): ServingSpec | undefined {
  const at = (field: string) => `serving.${field}`;
  const image = given(input?.image) ? input.image : undefined;
  if (image !== undefined && !IMAGE.test(image)) {
    problems.bad(at('image'), image, `is not a container image`);
  }

  if (input?.type === 'simulator') {
    if (given(input.gpus) && input.gpus !== 0) {
      problems.add(
        at('gpus'),
        `the simulator runs without a GPU; leave the GPU count empty, or choose vLLM on GPU`,
      );
    }
    const ttft = given(input.timeToFirstTokenMs) ? input.timeToFirstTokenMs : 0;
    const itl = given(input.interTokenLatencyMs)
      ? input.interTokenLatencyMs
      : 0;
    for (const [field, value] of [
      ['timeToFirstTokenMs', ttft],
      ['interTokenLatencyMs', itl],
    ] as const) {
      if (!isWholeNumber(value, 0)) {
        problems.bad(
          at(field),
          value,
          `must be a whole number of milliseconds, 0 or more`,
        );
      }
    }
    return {
      type: 'simulator',
      image: image ?? defaults.simulatorImage,
      timeToFirstTokenMs: ttft,
      interTokenLatencyMs: itl,
    };
  }

  if (input?.type !== 'vllm') {
    problems.bad(at('type'), input?.type, `must be "vllm" or "simulator"`);
    return undefined;
  }
  if (!given(input.storageUri) || !STORAGE_URI.test(input.storageUri)) {
    problems.bad(
      at('storageUri'),
      input.storageUri ?? '',
      `is not a model source such as "hf://Qwen/Qwen3-0.6B"`,
    );
  }
  const gpus = given(input.gpus) ? input.gpus : 1;
  if (!isWholeNumber(gpus, 1)) {
    problems.bad(at('gpus'), gpus, `must be a whole number of GPUs, 1 or more`);
  }
  const cpu = given(input.cpu) ? String(input.cpu) : '4';
  const memory = given(input.memory) ? String(input.memory) : '16Gi';
  for (const [field, value] of [
    ['cpu', cpu],
    ['memory', memory],
  ] as const) {
    if (!QUANTITY.test(value) || Number.parseFloat(value) <= 0) {
      problems.bad(
        at(field),
        value,
        `is not a Kubernetes quantity above 0, such as "4" or "16Gi"`,
      );
    }
  }
  const maxModelLen = given(input.maxModelLen) ? input.maxModelLen : 4096;
  if (!isWholeNumber(maxModelLen, 1)) {
    problems.bad(
      at('maxModelLen'),
      maxModelLen,
      `must be a whole number of tokens above 0`,
    );
  }
  return {
    type: 'vllm',
    storageUri: input.storageUri ?? '',
    gpus,
    cpu,
    memory,
    maxModelLen,
    image: image ?? defaults.vllmImage,
    nodeSelector: { ...defaults.gpuNodeSelector },
  };
}

function validateAuth(
  input: ModelInput['auth'],
  problems: FieldProblems,
): AuthSpec | undefined {
  if (input?.type === 'api-key') return { type: 'api-key' };
  if (input?.type !== 'oidc') {
    problems.bad('auth.type', input?.type, `must be "api-key" or "oidc"`);
    return undefined;
  }
  // Authorino fetches this URL and every user of the model pastes it into a shell: https, a host
  // and a plain path only (issuerUrl.ts in maas-common says why each rule).
  const issuerProblem = issuerUrlProblem(input.issuerUrl ?? '');
  if (issuerProblem) {
    problems.bad('auth.issuerUrl', input.issuerUrl ?? '', issuerProblem);
  }
  const tierClaim = given(input.tierClaim) ? input.tierClaim : 'tier';
  if (!CLAIM.test(tierClaim)) {
    problems.bad('auth.tierClaim', tierClaim, `is not a JWT claim name`);
  }
  const userIdClaim = given(input.userIdClaim) ? input.userIdClaim : 'sub';
  if (!CLAIM.test(userIdClaim)) {
    problems.bad('auth.userIdClaim', userIdClaim, `is not a JWT claim name`);
  }
  return {
    type: 'oidc',
    issuerUrl: input.issuerUrl ?? '',
    tierClaim,
    userIdClaim,
  };
}

function validateTiers(
  input: TierLimits[] | undefined,
  defaults: ModelDefaults,
  problems: FieldProblems,
): TierLimits[] {
  const fromForm = Array.isArray(input) && input.length > 0;
  const tiers = fromForm ? input : defaults.tiers;
  const path = fromForm ? 'tiers' : 'maas.tiers (config)';
  if (tiers.length === 0) {
    problems.add(path, 'at least one tier is needed');
  }
  const known = new Set(defaults.tiers.map(t => t.name));
  const seen = new Set<string>();
  tiers.forEach((tier, i) => {
    const at = `${path}[${i}]`;
    if (fromForm && !known.has(tier?.name)) {
      problems.add(
        `${at}.name`,
        `tier ${JSON.stringify(
          tier?.name,
        )} is not one of the portal's tiers (${[...known].join(', ')})`,
      );
    } else if (seen.has(tier.name)) {
      problems.add(`${at}.name`, `tier "${tier.name}" appears twice`);
    }
    seen.add(tier?.name);
    problems.addAll(checkLimit(`${at}.requests.limit`, tier?.requests?.limit));
    problems.addAll(
      checkWindow(`${at}.requests.window`, tier?.requests?.window),
    );
    problems.addAll(checkLimit(`${at}.tokens.limit`, tier?.tokens?.limit));
    problems.addAll(checkWindow(`${at}.tokens.window`, tier?.tokens?.window));
  });
  return tiers.map(t => ({
    name: t.name,
    requests: { limit: t.requests?.limit, window: t.requests?.window },
    tokens: { limit: t.tokens?.limit, window: t.tokens?.window },
  }));
}

/**
 * Checks the whole input at once and applies the config's defaults. Returns every problem, each
 * naming its field as the form names it, so that nothing is rendered or applied from bad input.
 */
export function validateModelSpec(
  input: ModelInput,
  defaults: ModelDefaults,
): ValidationResult {
  const problems = new FieldProblems();

  const name = input.name ?? '';
  const nameOk = modelNameProblem(name) === undefined;
  if (!nameOk) {
    problems.bad('name', name, `is not a valid model name: ${MODEL_NAME_RULE}`);
  }
  const namespace = given(input.namespace)
    ? input.namespace
    : defaults.namespace;
  checkDnsLabel('namespace', namespace, problems);
  checkEntityRef('owner', input.owner, 'group', problems);
  if (given(input.system))
    checkEntityRef('system', input.system, 'system', problems);

  const hostname = given(input.hostname)
    ? input.hostname
    : `${name}.${defaults.domainSuffix}`;
  // A host name derived from a bad model name is that name's problem, reported once.
  if ((given(input.hostname) || nameOk) && !HOSTNAME.test(hostname)) {
    problems.bad('hostname', hostname, `is not a DNS host name`);
  }
  const gateway = {
    name: given(input.gateway?.name)
      ? input.gateway!.name!
      : defaults.gateway.name,
    namespace: given(input.gateway?.namespace)
      ? input.gateway!.namespace!
      : defaults.gateway.namespace,
  };
  checkDnsLabel('gateway.name', gateway.name, problems);
  checkDnsLabel('gateway.namespace', gateway.namespace, problems);

  const serving = validateServing(input.serving, defaults, problems);
  const auth = validateAuth(input.auth, problems);
  const tiers = validateTiers(input.tiers, defaults, problems);

  if (problems.list.length > 0 || !serving || !auth) {
    return { problems: problems.list };
  }
  // Written in full: on an entity outside `default`, a short ref would resolve in its namespace.
  const fullRef = (ref: string, kind: string) =>
    stringifyEntityRef(
      parseEntityRef(ref, { defaultKind: kind, defaultNamespace: 'default' }),
    );
  return {
    spec: {
      name,
      namespace,
      catalogNamespace:
        namespace === defaults.namespace ? DEFAULT_NAMESPACE : namespace,
      owner: fullRef(input.owner, 'group'),
      ...(given(input.system)
        ? { system: fullRef(input.system, 'system') }
        : {}),
      ...(given(input.description) ? { description: input.description } : {}),
      hostname,
      scheme: defaults.scheme,
      gateway,
      serving,
      auth,
      tiers,
    },
  };
}
