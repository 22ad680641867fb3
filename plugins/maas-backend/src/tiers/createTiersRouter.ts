import express from 'express';
import Router from 'express-promise-router';
import { EntityModelLookup } from '../models/entityModel';

/** `GET /models/by-entity/tiers`: a model's tiers with the limits live on the cluster. */
export function createTiersRouter(options: {
  entityModel: EntityModelLookup;
}): express.Router {
  const router = Router();
  router.get('/models/by-entity/tiers', async (req, res) => {
    const { service, ref } = await options.entityModel(req);
    res.json(service.getTiers(ref));
  });
  return router;
}
