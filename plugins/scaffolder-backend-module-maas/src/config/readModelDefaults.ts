import { Config } from '@backstage/config';
import { ModelDefaults } from '../manifests/validateModelSpec';
import { TierLimits } from '../manifests/types';

/** The seed's tiers, as the backend uses them when `maas.tiers` is not configured. */
const DEFAULT_TIERS: TierLimits[] = [
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
];

/**
 * Reads the same `maas` keys as the backend plugin (namespace, gateway, domainSuffix, scheme,
 * tiers) plus `maas.serving.*`. Values are checked where a model is rendered, so that a wrong
 * one is reported with its key.
 */
export function readModelDefaults(root: Config): ModelDefaults {
  const maas = root.getOptionalConfig('maas');
  const namespace = maas?.getOptionalString('namespace') ?? 'llm';
  const tiers = maas?.getOptionalConfigArray('tiers')?.map(t => ({
    name: t.getString('name'),
    requests: {
      limit: t.getOptionalNumber('requests.limit') as number,
      window: t.getOptionalString('requests.window') as string,
    },
    tokens: {
      limit: t.getOptionalNumber('tokens.limit') as number,
      window: t.getOptionalString('tokens.window') as string,
    },
  }));
  const nodeSelector = maas?.getOptionalConfig('serving.gpuNodeSelector');
  return {
    namespace,
    gateway: {
      name: maas?.getOptionalString('gateway.name') ?? 'inference-gateway',
      namespace: maas?.getOptionalString('gateway.namespace') ?? namespace,
    },
    domainSuffix: maas?.getOptionalString('domainSuffix') ?? 'maas.local',
    scheme: maas?.getOptionalString('scheme') === 'https' ? 'https' : 'http',
    tiers: tiers ?? DEFAULT_TIERS,
    vllmImage:
      maas?.getOptionalString('serving.vllmImage') ?? 'vllm/vllm-openai:latest',
    simulatorImage:
      maas?.getOptionalString('serving.simulatorImage') ??
      'ghcr.io/llm-d/llm-d-inference-sim:latest',
    gpuNodeSelector: nodeSelector
      ? Object.fromEntries(
          nodeSelector.keys().map(k => [k, nodeSelector.getString(k)]),
        )
      : { 'nvidia.com/gpu.present': 'true' },
  };
}

/** `maas.cluster.kubeconfig`: a kubeconfig file for the portal's account, if not in-cluster. */
export function readKubeconfigPath(root: Config): string | undefined {
  return root.getOptionalString('maas.cluster.kubeconfig') || undefined;
}
