import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  maasModelListPermission,
  maasModelReadPermission,
  ModelList,
} from '@maas-portal/plugin-maas-common';
import express from 'express';
import Router from 'express-promise-router';
import { PermissionGate } from '../permissions/PermissionGate';
import { ModelLookup, requireModels } from '../permissions/lookupModel';
import { readModelServers } from './modelServers';
import { ModelService } from './ModelService';

/**
 * `GET /models` (the models the caller may read, and with maas.model.list every InferenceService)
 * and `GET /models/by-entity` (one, with health).
 */
export function createModelsRouter(options: {
  gate: PermissionGate;
  catalog: CatalogService;
  models?: ModelService;
  lookupModel: ModelLookup;
}): express.Router {
  const { gate, catalog, models, lookupModel } = options;
  const router = Router();

  router.get('/models', async (req, res) => {
    const credentials = await gate.caller(req, ['user', 'service']);
    const service = requireModels(models);
    // What each entity's maas.model.read allows, as GET /models/by-entity would show it one by
    // one: a developer's list needs no cluster-wide permission. maas.model.list only adds the
    // InferenceServices no entity shows.
    const servers = await readModelServers(catalog, credentials);
    const [readable, listAll] = await Promise.all([
      gate.allowedOn(
        credentials,
        maasModelReadPermission,
        servers.map(s => s.entityRef),
      ),
      gate.decide(credentials, maasModelListPermission),
    ]);
    const list: ModelList = {
      ...service.listModels({
        entities: servers.filter(s => readable.has(s.entityRef)),
        everyInferenceService: listAll.allowed,
      }),
      notReadable: [
        ...new Set(
          servers.map(s => s.entityRef).filter(ref => !readable.has(ref)),
        ),
      ].sort(),
    };
    res.json(list);
  });

  router.get('/models/by-entity', async (req, res) => {
    const { service, ref } = await lookupModel(req);
    res.json(service.getModel(ref));
  });

  return router;
}
