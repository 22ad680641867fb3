import { Config } from '@backstage/config';
import {
  KubernetesPluginCluster,
  readKubernetesPluginCluster,
} from './kubernetesPluginCluster';
import { MaasConfigError } from './MaasConfigError';

/**
 * How long one call to the API server may take, unless `maas.cluster.requestTimeoutMs` says.
 *
 * @public
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/**
 * The `maas.cluster` section: where the suite reaches the cluster, read once for both packages.
 *
 * @public
 */
export interface ClusterConfig {
  /** `maas.cluster.kubeconfig`: a kubeconfig file for the portal's account. */
  kubeconfig?: string;
  /** `maas.cluster.name`: a cluster of the Kubernetes plugin's config. */
  pluginCluster?: KubernetesPluginCluster;
  /** `maas.cluster.requestTimeoutMs`: the bound of one call to the API server. */
  requestTimeoutMs: number;
}

/**
 * Reads and checks `maas.cluster.*`; a bad value throws {@link MaasConfigError} naming the key.
 *
 * @public
 */
export function readClusterConfig(root: Config): ClusterConfig {
  const requestTimeoutMs =
    root.getOptionalNumber('maas.cluster.requestTimeoutMs') ??
    DEFAULT_REQUEST_TIMEOUT_MS;
  if (!(requestTimeoutMs > 0)) {
    throw new MaasConfigError(
      `maas.cluster.requestTimeoutMs: ${requestTimeoutMs} must be above 0`,
    );
  }
  return {
    kubeconfig: root.getOptionalString('maas.cluster.kubeconfig') || undefined,
    pluginCluster: readKubernetesPluginCluster(root),
    requestTimeoutMs,
  };
}
