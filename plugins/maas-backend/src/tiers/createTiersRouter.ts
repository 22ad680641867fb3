import express from 'express';
import Router from 'express-promise-router';
import { ModelLookup } from '../permissions/lookupModel';

/** `GET /models/by-entity/tiers`: a model's tiers with the limits live on the cluster. */
export function createTiersRouter(options: {
  lookupModel: ModelLookup;
}): express.Router {
  const router = Router();
  router.get('/models/by-entity/tiers', async (req, res) => {
    const { service, ref } = await options.lookupModel(req);
    res.json(service.getTiers(ref));
  });
  return router;
}
