import { HttpAuthService } from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import { MaasConfig } from './config/MaasConfig';
import { ClusterClient } from './cluster/ClusterClient';
import { PrometheusClient } from './prometheus/PrometheusClient';
import { readStatus } from './service/readStatus';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  config: MaasConfig;
  cluster?: ClusterClient;
  prometheus?: PrometheusClient;
}

export async function createRouter(options: RouterOptions): Promise<express.Router> {
  const { httpAuth, config, cluster, prometheus } = options;
  const router = Router();
  router.use(express.json());

  router.get('/status', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json(await readStatus({ config, cluster, prometheus }));
  });

  return router;
}
