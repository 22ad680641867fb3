import express from 'express';
import Router from 'express-promise-router';
import { PermissionGate } from '../permissions/PermissionGate';
import { ModelLookup } from '../permissions/lookupModel';
import { ModelListService } from './ModelListService';

/**
 * `GET /models` (the models the caller may read, and with maas.model.list every InferenceService)
 * and `GET /models/by-entity` (one, with health).
 */
export function createModelsRouter(options: {
  gate: PermissionGate;
  modelList: ModelListService;
  lookupModel: ModelLookup;
}): express.Router {
  const { gate, modelList, lookupModel } = options;
  const router = Router();

  router.get('/models', async (req, res) => {
    const credentials = await gate.caller(req, ['user', 'service']);
    res.json(await modelList.listFor(credentials));
  });

  router.get('/models/by-entity', async (req, res) => {
    const { service, ref } = await lookupModel(req);
    res.json(service.getModel(ref));
  });

  return router;
}
