import { ConfigReader } from '@backstage/config';
import {
  gpuModelExample,
  simulatorModelExample,
} from '../actions/modelRender.examples';
import { readModelDefaults } from '../config/readModelDefaults';
import { renderModel } from '../manifests/renderModel';
import {
  ModelDefaults,
  ModelInput,
  validateModelSpec,
} from '../manifests/validateModelSpec';

/** The portal's config as the tests see it: every default (the seed's gateway and tiers). */
export const testDefaults: ModelDefaults = readModelDefaults(
  new ConfigReader({}),
);

export const gpuServing: ModelInput['serving'] = gpuModelExample.serving;

export const simulatorServing: ModelInput['serving'] =
  simulatorModelExample.serving;

export const apiKeyAuth: ModelInput['auth'] = gpuModelExample.auth;

export const oidcAuth: ModelInput['auth'] = {
  type: 'oidc',
  issuerUrl: 'https://keycloak.keycloak-system.svc.cluster.local/realms/maas',
  tierClaim: 'tier',
};

/** The four ways Create model renders a model (GPU or simulator; API keys or OIDC), each by a short name. */
export const servingAuthVariants = [
  ['gpu-api-key', gpuServing, apiKeyAuth],
  ['gpu-oidc', gpuServing, oidcAuth],
  ['simulator-api-key', simulatorServing, apiKeyAuth],
  ['simulator-oidc', simulatorServing, oidcAuth],
] as const;

/** A valid input: the GPU model with API keys and the config's tiers. */
export function modelInput(overrides: Partial<ModelInput> = {}): ModelInput {
  return {
    name: 'qwen3',
    owner: 'group:default/ml-team',
    system: 'maas',
    description: 'Qwen3 0.6B',
    serving: gpuServing,
    auth: apiKeyAuth,
    ...overrides,
  };
}

/**
 * The cluster objects of a valid model input in `namespace`, as render gives them. Their route
 * attaches to a Gateway in `namespace` (unless the input names one), so that host names of test
 * files running side by side never meet on one Gateway.
 */
export function renderedObjects(input: ModelInput, namespace: string) {
  return applyInput(input, namespace).manifests;
}

/**
 * What the template gives `maas:model:apply` for a valid model input in `namespace` (see
 * `renderedObjects`): the rendered objects, and the values they were rendered from.
 */
export function applyInput(input: ModelInput, namespace: string) {
  const model = {
    gateway: { name: 'inference-gateway', namespace },
    ...input,
    namespace,
  };
  const result = validateModelSpec(model, testDefaults);
  if (!result.spec) throw new Error(JSON.stringify(result.problems));
  return { model, manifests: renderModel(result.spec).objects };
}
