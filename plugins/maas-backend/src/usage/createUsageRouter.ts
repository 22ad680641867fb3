import express from 'express';
import Router from 'express-promise-router';
import { ModelLookup } from '../permissions/lookupModel';
import { PermissionGate } from '../permissions/PermissionGate';
import { UsageService } from './UsageService';
import { modelUsageRequest } from './usageScope';

/**
 * `GET /models/by-entity/usage`: calls, limits and tokens of a model over a range; one's own, or
 * everyone's with maas.usage.read-all on the model (then the default).
 */
export function createUsageRouter(options: {
  gate: PermissionGate;
  usage: UsageService;
  lookupModel: ModelLookup;
}): express.Router {
  const { gate, usage, lookupModel } = options;
  const router = Router();

  router.get('/models/by-entity/usage', async (req, res) => {
    const { range, scope, userId, counted } = await modelUsageRequest(
      req,
      gate,
      lookupModel,
    );
    res.json(await usage.getUsage({ range, scope, userId, ...counted }));
  });

  return router;
}
