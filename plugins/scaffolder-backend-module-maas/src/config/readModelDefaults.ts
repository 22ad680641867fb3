import { Config } from '@backstage/config';
import { maasSection, readPlatformConfig } from '@maas-portal/plugin-maas-node';
import { ModelDefaults } from '../manifests/validateModelSpec';

/**
 * The platform settings the backend plugin reads too (namespace, gateway, domainSuffix, scheme,
 * tiers: one reader in maas-node, so both agree), plus `maas.serving.*`. A bad value stops
 * start-up with its key named.
 */
export function readModelDefaults(root: Config): ModelDefaults {
  const platform = readPlatformConfig(root);
  const maas = maasSection(root);
  const nodeSelector = maas.getOptionalConfig('serving.gpuNodeSelector');
  return {
    namespace: platform.namespace,
    gateway: platform.gateway,
    domainSuffix: platform.domainSuffix,
    scheme: platform.scheme,
    tiers: platform.tiers.map(({ name, requests, tokens }) => ({
      name,
      requests,
      tokens,
    })),
    vllmImage:
      maas.getOptionalString('serving.vllmImage') ?? 'vllm/vllm-openai:latest',
    simulatorImage:
      maas.getOptionalString('serving.simulatorImage') ??
      'ghcr.io/llm-d/llm-d-inference-sim:latest',
    gpuNodeSelector: nodeSelector
      ? Object.fromEntries(
          nodeSelector.keys().map(k => [k, nodeSelector.getString(k)]),
        )
      : { 'nvidia.com/gpu.present': 'true' },
  };
}
