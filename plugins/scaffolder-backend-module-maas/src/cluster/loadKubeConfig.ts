import { KubeConfig } from '@kubernetes/client-node';
import {
  kubeConfigOptionsFor,
  KubernetesPluginCluster,
} from '@maas-portal/plugin-maas-common';

/**
 * The portal's cluster credentials, found as the backend plugin finds them: a cluster of the
 * Kubernetes plugin's config (`maas.cluster.name`), else the configured kubeconfig file
 * (`maas.cluster.kubeconfig`), else the pod's service account when running in a cluster, else
 * `$KUBECONFIG`, else `~/.kube/config`.
 */
export function loadKubeConfig(
  kubeconfigPath?: string,
  pluginCluster?: KubernetesPluginCluster,
): KubeConfig {
  const kc = new KubeConfig();
  if (pluginCluster) {
    kc.loadFromOptions(kubeConfigOptionsFor(pluginCluster));
  } else if (kubeconfigPath) {
    kc.loadFromFile(kubeconfigPath);
  } else if (process.env.KUBERNETES_SERVICE_HOST) {
    kc.loadFromCluster();
  } else {
    kc.loadFromDefault();
  }
  return kc;
}
