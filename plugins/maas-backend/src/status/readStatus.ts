import { MaasStatus, NO_PROMETHEUS } from '@maas-portal/plugin-maas-common';
import { noClusterMessage } from '@maas-portal/plugin-maas-node';
import { MaasConfig } from '../config/MaasConfig';
import { ClusterClient } from '../cluster/ClusterClient';
import { PrometheusClient } from '../prometheus/PrometheusClient';

/** What the suite is connected to, in words a developer acts on. */
export async function readStatus(options: {
  config: MaasConfig;
  cluster?: ClusterClient;
  prometheus?: PrometheusClient;
}): Promise<MaasStatus> {
  const { config, cluster, prometheus } = options;
  const [clusterProbe, prometheusProbe] = await Promise.all([
    cluster?.probe(),
    prometheus?.probe(),
  ]);

  let clusterStatus: MaasStatus['cluster'];
  if (!cluster || !clusterProbe) {
    clusterStatus = {
      state: 'not-configured',
      message: noClusterMessage(),
    };
  } else if (clusterProbe.reachable) {
    clusterStatus = {
      state: 'connected',
      message: `Connected to ${clusterProbe.server} (Kubernetes ${clusterProbe.version}) through ${cluster.source}.`,
      server: clusterProbe.server,
      version: clusterProbe.version,
    };
  } else {
    clusterStatus = {
      state: 'unreachable',
      message: `The Kubernetes API server at ${clusterProbe.server} is unreachable: ${clusterProbe.error}. Check that the cluster is running and that ${cluster.source} points to it.`,
      server: clusterProbe.server,
    };
  }

  let prometheusStatus: MaasStatus['prometheus'];
  if (!prometheus || !prometheusProbe) {
    prometheusStatus = {
      state: 'not-configured',
      message: `${NO_PROMETHEUS}, so usage charts are off. Set maas.prometheus.url.`,
    };
  } else if (prometheusProbe.reachable) {
    prometheusStatus = {
      state: 'connected',
      message: `Connected to Prometheus ${prometheusProbe.version ?? ''} at ${
        prometheus.url
      }.`.replace('  ', ' '),
      url: prometheus.url,
    };
  } else {
    prometheusStatus = {
      state: 'unreachable',
      message: `${prometheusProbe.error}. Usage charts are off until it answers; check maas.prometheus.url.`,
      url: prometheus.url,
    };
  }

  return {
    cluster: clusterStatus,
    prometheus: prometheusStatus,
    namespace: config.namespace,
    gateway: config.gateway,
    domainSuffix: config.domainSuffix,
    tiers: config.tiers,
  };
}
