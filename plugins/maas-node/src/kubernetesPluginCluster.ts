import { Config } from '@backstage/config';
import { MaasConfigError } from './MaasConfigError';

/**
 * A cluster of the Kubernetes plugin's config, with the token the suite connects with.
 *
 * @public
 */
export interface KubernetesPluginCluster {
  name: string;
  url: string;
  token: string;
  caData?: string;
  skipTLSVerify: boolean;
}

/**
 * The cluster named by `maas.cluster.name` in the Kubernetes plugin's own config
 * (`kubernetes.clusterLocatorMethods[].clusters[]`, type `config`), so that the suite and the
 * Kubernetes tab use one cluster definition. Undefined when `maas.cluster.name` is not set.
 *
 * @public
 */
export function readKubernetesPluginCluster(
  root: Config,
): KubernetesPluginCluster | undefined {
  const name = root.getOptionalString('maas.cluster.name');
  if (!name) return undefined;
  const clusters = (
    root.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? []
  )
    .filter(method => method.getOptionalString('type') === 'config')
    .flatMap(method => method.getOptionalConfigArray('clusters') ?? []);
  const cluster = clusters.find(c => c.getOptionalString('name') === name);
  if (!cluster) {
    throw new MaasConfigError(
      `maas.cluster.name: no cluster "${name}" under kubernetes.clusterLocatorMethods (type config); the clusters there are: ${
        clusters.map(c => c.getOptionalString('name')).join(', ') || 'none'
      }`,
    );
  }
  const token = cluster.getOptionalString('serviceAccountToken');
  if (!token) {
    throw new MaasConfigError(
      `maas.cluster.name: cluster "${name}" has no serviceAccountToken; the suite needs a service-account token (or use maas.cluster.kubeconfig)`,
    );
  }
  return {
    name,
    url: cluster.getString('url'),
    token,
    caData: cluster.getOptionalString('caData'),
    skipTLSVerify: cluster.getOptionalBoolean('skipTLSVerify') ?? false,
  };
}

/**
 * The options `KubeConfig.loadFromOptions` (`@kubernetes/client-node`) takes for such a cluster:
 * one context that authenticates with its service-account token.
 *
 * @public
 */
export function kubeConfigOptionsFor(cluster: KubernetesPluginCluster) {
  return {
    clusters: [
      {
        name: cluster.name,
        server: cluster.url,
        caData: cluster.caData,
        skipTLSVerify: cluster.skipTLSVerify,
      },
    ],
    users: [{ name: 'maas-portal', token: cluster.token }],
    contexts: [
      { name: cluster.name, cluster: cluster.name, user: 'maas-portal' },
    ],
    currentContext: cluster.name,
  };
}
