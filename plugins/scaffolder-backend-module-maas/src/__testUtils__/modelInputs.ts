import { renderModel } from '../manifests/renderModel';
import {
  ModelDefaults,
  ModelInput,
  validateModelSpec,
} from '../manifests/validateModelSpec';

/** The portal's config as the tests see it: the seed's gateway and tiers. */
export const testDefaults: ModelDefaults = {
  namespace: 'llm',
  gateway: { name: 'inference-gateway', namespace: 'llm' },
  domainSuffix: 'maas.local',
  scheme: 'http',
  tiers: [
    {
      name: 'free',
      requests: { limit: 5, window: '2m' },
      tokens: { limit: 100000, window: '1m' },
    },
    {
      name: 'premium',
      requests: { limit: 20, window: '2m' },
      tokens: { limit: 500000, window: '1m' },
    },
    {
      name: 'enterprise',
      requests: { limit: 100, window: '2m' },
      tokens: { limit: 2000000, window: '1m' },
    },
  ],
  vllmImage: 'vllm/vllm-openai:latest',
  simulatorImage: 'ghcr.io/llm-d/llm-d-inference-sim:latest',
  gpuNodeSelector: { 'nvidia.com/gpu.present': 'true' },
};

export const gpuServing: ModelInput['serving'] = {
  type: 'vllm',
  storageUri: 'hf://Qwen/Qwen3-0.6B',
  gpus: 1,
  cpu: '4',
  memory: '16Gi',
  maxModelLen: 6144,
};

export const simulatorServing: ModelInput['serving'] = {
  type: 'simulator',
  timeToFirstTokenMs: 100,
  interTokenLatencyMs: 20,
};

export const apiKeyAuth: ModelInput['auth'] = { type: 'api-key' };

export const oidcAuth: ModelInput['auth'] = {
  type: 'oidc',
  issuerUrl:
    'http://keycloak.keycloak-system.svc.cluster.local:8080/realms/maas',
  tierClaim: 'tier',
};

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

/** The cluster objects of a valid model input in `namespace`, as render gives them. */
export function renderedObjects(input: ModelInput, namespace: string) {
  const result = validateModelSpec({ ...input, namespace }, testDefaults);
  if (!result.spec) throw new Error(JSON.stringify(result.problems));
  return renderModel(result.spec).objects;
}
