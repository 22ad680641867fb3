import express from 'express';
import Router from 'express-promise-router';
import { ClusterClient } from '../cluster/ClusterClient';
import { MaasConfig } from '../config/MaasConfig';
import { PermissionGate } from '../permissions/PermissionGate';
import { PrometheusClient } from '../prometheus/PrometheusClient';
import { readStatus } from './readStatus';

/** `GET /status`: whether the cluster and Prometheus answer, and the configured tiers. */
export function createStatusRouter(options: {
  gate: PermissionGate;
  config: MaasConfig;
  cluster?: ClusterClient;
  prometheus?: PrometheusClient;
}): express.Router {
  const { gate, config, cluster, prometheus } = options;
  const router = Router();
  router.get('/status', async (req, res) => {
    // It says nothing about any one model: any signed-in caller may read it, no permission.
    await gate.caller(req, ['user', 'service']);
    res.json(await readStatus({ config, cluster, prometheus }));
  });
  return router;
}
