import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';
import { ModelInput } from '../manifests/validateModelSpec';

/** Qwen3 on one GPU with vLLM, behind API keys, with the portal's tiers (the tests use it too). */
export const gpuModelExample = {
  name: 'qwen3',
  owner: 'group:default/ml-team',
  serving: {
    type: 'vllm',
    storageUri: 'hf://Qwen/Qwen3-0.6B',
    gpus: 1,
    cpu: '4',
    memory: '16Gi',
    maxModelLen: 6144,
  },
  auth: { type: 'api-key' },
} satisfies ModelInput;

/** A simulated model, behind Keycloak, with two tiers of its own limits. */
export const simulatorModelExample = {
  name: 'simulator',
  namespace: 'llm',
  owner: 'group:default/ml-team',
  hostname: 'simulator.maas.local',
  serving: {
    type: 'simulator',
    timeToFirstTokenMs: 100,
    interTokenLatencyMs: 20,
  },
  auth: {
    type: 'oidc',
    issuerUrl: 'https://keycloak.example.com/realms/maas',
    tierClaim: 'tier',
  },
  tiers: [
    {
      name: 'free',
      requests: { limit: 5, window: '2m' },
      tokens: { limit: 10000, window: '1m' },
    },
    {
      name: 'premium',
      requests: { limit: 50, window: '2m' },
      tokens: { limit: 200000, window: '1m' },
    },
  ],
} satisfies ModelInput;

/** A template's render step with this input. */
function renderStep(input: object): string {
  return yaml.stringify({
    steps: [
      {
        id: 'render',
        action: 'maas:model:render',
        name: 'Render the model',
        input,
      },
    ],
  });
}

export const examples: TemplateExample[] = [
  {
    description:
      "Render Qwen3 on one GPU with vLLM, protected by API keys, with the portal's tiers.",
    example: renderStep(gpuModelExample),
  },
  {
    description:
      'Render a simulated model for a cluster without GPU, behind Keycloak, with two tiers of its own limits.',
    example: renderStep(simulatorModelExample),
  },
];
