import { KubeConfig } from '@kubernetes/client-node';

/**
 * The portal's cluster credentials: the configured kubeconfig file (`maas.cluster.kubeconfig`),
 * else the pod's service account when running in a cluster, else `$KUBECONFIG`, else
 * `~/.kube/config`.
 */
export function loadKubeConfig(kubeconfigPath?: string): KubeConfig {
  const kc = new KubeConfig();
  if (kubeconfigPath) {
    kc.loadFromFile(kubeconfigPath);
  } else if (process.env.KUBERNETES_SERVICE_HOST) {
    kc.loadFromCluster();
  } else {
    kc.loadFromDefault();
  }
  return kc;
}
