import { ServiceUnavailableError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { ClusterState } from '../cluster/ClusterState';
import {
  INFERENCE_SERVICE,
  InferenceService,
} from '@maas-portal/plugin-maas-node';
import { PermissionGate } from '../permissions/PermissionGate';
import { MaasConfig } from '../config/MaasConfig';
import { modelEntitiesFromCluster } from './modelEntitiesFromCluster';

/**
 * `GET /catalog/entities`, for the suite's catalog module only (service principals): the entities
 * of models the portal applied itself, read from the watch-based cache.
 */
export function createCatalogRouter(options: {
  gate: PermissionGate;
  state?: ClusterState;
  config: Pick<MaasConfig, 'namespace' | 'catalogNamespaces' | 'scheme'>;
}): express.Router {
  const { config } = options;
  const router = Router();
  router.get('/catalog/entities', async (req, res) => {
    // The suite's catalog module asks with its service credentials; no user may.
    await options.gate.caller(req, ['service']);
    const state = options.state;
    if (!state) {
      // No cluster configured: no model comes from one.
      res.json({ entities: [], rejected: [] });
      return;
    }
    const status = state.status(INFERENCE_SERVICE);
    if (!status.syncedAt) {
      // Not read yet, or unreachable: the catalog keeps what it has rather than losing models.
      throw new ServiceUnavailableError(
        status.failure?.message ??
          'The cache of InferenceServices is still loading',
      );
    }
    res.json(
      modelEntitiesFromCluster(
        state.list<InferenceService>(INFERENCE_SERVICE),
        {
          portalNamespace: config.namespace,
          namespaces: config.catalogNamespaces,
          scheme: config.scheme,
        },
      ),
    );
  });
  return router;
}
