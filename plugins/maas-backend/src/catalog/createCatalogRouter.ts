import express from 'express';
import Router from 'express-promise-router';
import { PermissionGate } from '../permissions/PermissionGate';
import { ClusterModelEntities } from './ClusterModelEntities';

/**
 * `GET /catalog/entities`, for the suite's catalog module only (service principals): the entities
 * of models the portal applied itself.
 */
export function createCatalogRouter(options: {
  gate: PermissionGate;
  entities: ClusterModelEntities;
}): express.Router {
  const { gate, entities } = options;
  const router = Router();
  router.get('/catalog/entities', async (req, res) => {
    // The suite's catalog module asks with its service credentials; no user may.
    await gate.caller(req, ['service']);
    res.json(entities.read());
  });
  return router;
}
