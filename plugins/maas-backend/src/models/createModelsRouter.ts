import { maasModelListPermission } from '@maas-portal/plugin-maas-common';
import express from 'express';
import Router from 'express-promise-router';
import { PermissionGate } from '../permissions/PermissionGate';
import { EntityModelLookup, requireModelService } from './entityModel';
import { ModelService } from './ModelService';

/** `GET /models` (every model the cluster serves) and `GET /models/by-entity` (one, with health). */
export function createModelsRouter(options: {
  gate: PermissionGate;
  models?: ModelService;
  entityModel: EntityModelLookup;
}): express.Router {
  const { gate, models, entityModel } = options;
  const router = Router();

  router.get('/models', async (req, res) => {
    const credentials = await gate.caller(req, ['user', 'service']);
    await gate.require(credentials, maasModelListPermission);
    res.json(requireModelService(models).listModels());
  });

  router.get('/models/by-entity', async (req, res) => {
    const { service, ref } = await entityModel(req);
    res.json(service.getModel(ref));
  });

  return router;
}
