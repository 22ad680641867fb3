import { KubeConfig } from '@kubernetes/client-node';
import { KubernetesPluginCluster } from '@maas-portal/plugin-maas-common';

/**
 * The portal's cluster credentials, found as the backend plugin finds them: a cluster of the
 * Kubernetes plugin's config (`maas.cluster.name`), else the configured kubeconfig file
 * (`maas.cluster.kubeconfig`), else the pod's service account when running in a cluster, else
 * `$KUBECONFIG`, else `~/.kube/config`.
 */
export function loadKubeConfig(kubeconfigPath?: string, pluginCluster?: KubernetesPluginCluster): KubeConfig {
  const kc = new KubeConfig();
  if (pluginCluster) {
    kc.loadFromOptions({
      clusters: [{ name: pluginCluster.name, server: pluginCluster.url, caData: pluginCluster.caData, skipTLSVerify: pluginCluster.skipTLSVerify }],
      users: [{ name: 'maas-portal', token: pluginCluster.token }],
      contexts: [{ name: pluginCluster.name, cluster: pluginCluster.name, user: 'maas-portal' }],
      currentContext: pluginCluster.name,
    });
  } else if (kubeconfigPath) {
    kc.loadFromFile(kubeconfigPath);
  } else if (process.env.KUBERNETES_SERVICE_HOST) {
    kc.loadFromCluster();
  } else {
    kc.loadFromDefault();
  }
  return kc;
}
