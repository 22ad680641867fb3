import { KubeConfig } from '@kubernetes/client-node';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { kubeConfigOptionsFor } from './kubernetesPluginCluster';
import { MaasConfigError } from './MaasConfigError';
import { ClusterConfig } from './readClusterConfig';

/**
 * The one sentence a person reads when the suite has no cluster: every way to connect one, in
 * the order {@link loadKubeConfig} tries them. `consequence` says what cannot be done.
 *
 * @public
 */
export function noClusterMessage(consequence?: string): string {
  return `No cluster is connected to the portal${
    consequence ? `, so ${consequence}` : ''
  }: set maas.cluster.name (a cluster of the Kubernetes plugin's config) or maas.cluster.kubeconfig, run the backend in the cluster with a service account, or give it $KUBECONFIG or ~/.kube/config, then restart it.`;
}

/**
 * The cluster the suite talks to and where its credentials came from, or why there is none.
 * `path` is the kubeconfig file when one was read: an internal path, shown to admins only.
 *
 * @public
 */
export type ClusterConnection =
  | { kubeConfig: KubeConfig; source: string; path?: string }
  | { kubeConfig: undefined; noCluster: string };

/**
 * Finds the cluster the suite talks to, in this order: `maas.cluster.name` (a cluster of the
 * Kubernetes plugin's config), `maas.cluster.kubeconfig`, the pod's service account when running
 * in a cluster, `$KUBECONFIG`, `~/.kube/config`. Without any of them it says so, never falling
 * back to a guess such as `localhost:8080`: the portal then runs and says "no cluster connected".
 *
 * @public
 */
export function loadKubeConfig(
  cluster: Pick<ClusterConfig, 'kubeconfig' | 'pluginCluster'>,
  env: NodeJS.ProcessEnv = process.env,
): ClusterConnection {
  const kubeConfig = new KubeConfig();
  const { kubeconfig, pluginCluster } = cluster;
  if (pluginCluster) {
    kubeConfig.loadFromOptions(kubeConfigOptionsFor(pluginCluster));
    return {
      kubeConfig,
      source: `cluster "${pluginCluster.name}" of the Kubernetes plugin's config`,
    };
  }
  if (kubeconfig) {
    if (!existsSync(kubeconfig)) {
      throw new MaasConfigError(
        `maas.cluster.kubeconfig: no file at ${kubeconfig}`,
      );
    }
    kubeConfig.loadFromFile(kubeconfig);
    return {
      kubeConfig,
      source: `kubeconfig ${kubeconfig}`,
      path: kubeconfig,
    };
  }
  if (env.KUBERNETES_SERVICE_HOST && env.KUBERNETES_SERVICE_PORT) {
    kubeConfig.loadFromCluster();
    return { kubeConfig, source: 'in-cluster service account' };
  }
  const candidates = env.KUBECONFIG
    ? env.KUBECONFIG.split(':').filter(Boolean)
    : [join(env.HOME ?? homedir(), '.kube', 'config')];
  const path = candidates.find(p => existsSync(p));
  if (path) kubeConfig.loadFromFile(path);
  if (!path || !kubeConfig.getCurrentCluster()) {
    return { kubeConfig: undefined, noCluster: noClusterMessage() };
  }
  return {
    kubeConfig,
    source: `kubeconfig ${path} (context ${kubeConfig.getCurrentContext()})`,
    path,
  };
}
