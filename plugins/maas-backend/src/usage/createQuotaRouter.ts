import { InputError } from '@backstage/errors';
import { maasUsageReadAllPermission } from '@maas-portal/plugin-maas-common';
import express from 'express';
import Router from 'express-promise-router';
import { ModelLookup } from '../permissions/lookupModel';
import { PermissionGate } from '../permissions/PermissionGate';
import { CallerQuota } from './CallerQuota';
import { RefusalService } from './RefusalService';
import { TokenCheckService } from './TokenCheckService';
import { countedRoute } from './countedRoute';
import { callerUserId, modelUsageRequest } from './usageScope';

/**
 * `GET /models/by-entity/quota` (what the signed-in user has left, per tier of their keys),
 * `GET /models/by-entity/refusals` (which limit refused calls; one's own, or everyone's with
 * maas.usage.read-all) and `GET /models/by-entity/token-check` (whether Limitador counts the
 * model's tokens; with maas.usage.read-all, as its figures are everyone's).
 */
export function createQuotaRouter(options: {
  gate: PermissionGate;
  lookupModel: ModelLookup;
  callerQuota: CallerQuota;
  refusals: RefusalService;
  tokenCheck: TokenCheckService;
}): express.Router {
  const { gate, lookupModel, callerQuota, refusals, tokenCheck } = options;
  const router = Router();

  router.get('/models/by-entity/quota', async (req, res) => {
    const { service, credentials, ref } = await lookupModel(req, {
      requireBound: true,
    });
    const userId = callerUserId(credentials);
    const userEntityRef = (credentials.principal as { userEntityRef?: string })
      .userEntityRef;
    if (!userId || !userEntityRef) {
      throw new InputError(
        'Only a signed-in user has a quota; call this as a user',
      );
    }
    res.json(
      await callerQuota.of({
        userId,
        userEntityRef,
        model: ref,
        models: service,
      }),
    );
  });

  router.get('/models/by-entity/refusals', async (req, res) => {
    const { range, scope, userId, counted } = await modelUsageRequest(
      req,
      gate,
      lookupModel,
    );
    res.json(
      await refusals.getRefusals({
        range,
        scope,
        userId,
        limitadorNamespace: counted.limitadorNamespace,
      }),
    );
  });

  router.get('/models/by-entity/token-check', async (req, res) => {
    const { service, credentials, ref } = await lookupModel(req, {
      requireBound: true,
    });
    await gate.require(credentials, maasUsageReadAllPermission, ref.entityRef);
    res.json(await tokenCheck.check(countedRoute(service, ref)));
  });

  return router;
}
