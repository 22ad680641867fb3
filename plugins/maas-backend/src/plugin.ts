import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { maasPermissions } from '@maas-portal/plugin-maas-common';
import { readMaasConfig } from './config/MaasConfig';
import { loadKubeConfig } from './cluster/loadKubeConfig';
import { KubernetesClusterClient } from './cluster/KubernetesClusterClient';
import { HttpPrometheusClient } from './prometheus/HttpPrometheusClient';
import { createRouter } from './router';

/**
 * The MaaS backend plugin: the suite's only door to the cluster and to Prometheus.
 *
 * @public
 */
export const maasPlugin = createBackendPlugin({
  pluginId: 'maas',
  register(env) {
    env.registerInit({
      deps: {
        rootConfig: coreServices.rootConfig,
        logger: coreServices.logger,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissionsRegistry: coreServices.permissionsRegistry,
      },
      async init({ rootConfig, logger, httpAuth, httpRouter, permissionsRegistry }) {
        const config = readMaasConfig(rootConfig);
        permissionsRegistry.addPermissions(maasPermissions);

        const loaded = loadKubeConfig(config.cluster.kubeconfig);
        const cluster = loaded
          ? new KubernetesClusterClient({ ...loaded, timeoutMs: config.cluster.requestTimeoutMs })
          : undefined;
        logger.info(
          cluster
            ? `MaaS uses the cluster at ${cluster.server} from ${cluster.source}`
            : 'MaaS found no cluster (no maas.cluster.kubeconfig, KUBECONFIG, ~/.kube/config or in-cluster account); model pages will say so',
        );
        const prometheus = config.prometheus.url
          ? new HttpPrometheusClient({ url: config.prometheus.url, timeoutMs: config.prometheus.timeoutMs })
          : undefined;

        httpRouter.use(await createRouter({ httpAuth, config, cluster, prometheus }));
      },
    });
  },
});
