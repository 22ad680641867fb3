import { KubeConfig } from '@kubernetes/client-node';
import {
  kubeConfigOptionsFor,
  KubernetesPluginCluster,
} from '@maas-portal/plugin-maas-common';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where a kubeconfig came from, for messages a person reads. */
export interface LoadedKubeConfig {
  kubeConfig: KubeConfig;
  source: string;
}

/** A KubeConfig for a cluster of the Kubernetes plugin's config (`maas.cluster.name`). */
export function kubeConfigForPluginCluster(
  cluster: KubernetesPluginCluster,
): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions(kubeConfigOptionsFor(cluster));
  return kubeConfig;
}

/**
 * Finds the cluster the suite talks to, in this order: `maas.cluster.name` (a cluster of the
 * Kubernetes plugin's config), `maas.cluster.kubeconfig`, the pod's service account when running
 * in a cluster, `$KUBECONFIG`, `~/.kube/config`.
 * Returns undefined when there is none: the portal then runs and says "no cluster connected".
 */
export function loadKubeConfig(
  configured:
    | { kubeconfig?: string; pluginCluster?: KubernetesPluginCluster }
    | string
    | undefined,
  env: NodeJS.ProcessEnv = process.env,
): LoadedKubeConfig | undefined {
  const { kubeconfig: configuredPath, pluginCluster } =
    typeof configured === 'object'
      ? configured
      : { kubeconfig: configured, pluginCluster: undefined };
  if (pluginCluster) {
    return {
      kubeConfig: kubeConfigForPluginCluster(pluginCluster),
      source: `cluster "${pluginCluster.name}" of the Kubernetes plugin's config`,
    };
  }
  const kubeConfig = new KubeConfig();
  if (configuredPath) {
    if (!existsSync(configuredPath)) {
      throw new Error(`maas.cluster.kubeconfig: no file at ${configuredPath}`);
    }
    kubeConfig.loadFromFile(configuredPath);
    return { kubeConfig, source: `kubeconfig ${configuredPath}` };
  }
  if (env.KUBERNETES_SERVICE_HOST && env.KUBERNETES_SERVICE_PORT) {
    kubeConfig.loadFromCluster();
    return { kubeConfig, source: 'in-cluster service account' };
  }
  const candidates = env.KUBECONFIG
    ? env.KUBECONFIG.split(':').filter(Boolean)
    : [join(env.HOME ?? homedir(), '.kube', 'config')];
  const path = candidates.find(p => existsSync(p));
  if (!path) return undefined;
  kubeConfig.loadFromFile(path);
  if (!kubeConfig.getCurrentCluster()) return undefined;
  return {
    kubeConfig,
    source: `kubeconfig ${path} (context ${kubeConfig.getCurrentContext()})`,
  };
}
