import { InputError } from '@backstage/errors';
import {
  maasUsageReadAllPermission,
  TierView,
} from '@maas-portal/plugin-maas-common';
import express from 'express';
import Router from 'express-promise-router';
import { KeyServices } from '../keys/createKeyServices';
import { ModelLookup } from '../entities/lookupModel';
import { PermissionGate } from '../permissions/PermissionGate';
import { QuotaService } from './QuotaService';
import { RefusalService } from './RefusalService';
import { TokenCheckService } from './TokenCheckService';
import { callerUserId, limitadorNamespaceOf, usageScope } from './usageScope';

/**
 * `GET /models/by-entity/quota` (what the signed-in user has left, per tier of their keys),
 * `GET /models/by-entity/refusals` (which limit refused calls; one's own, or everyone's with
 * maas.usage.read-all) and `GET /models/by-entity/token-check` (whether Limitador counts the
 * model's tokens; with maas.usage.read-all, as its figures are everyone's).
 */
export function createQuotaRouter(options: {
  gate: PermissionGate;
  lookupModel: ModelLookup;
  keys: KeyServices;
  quota: QuotaService;
  refusals: RefusalService;
  tokenCheck: TokenCheckService;
}): express.Router {
  const { gate, lookupModel, keys, quota, refusals, tokenCheck } = options;
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
    const working = await keys.operations.listKeys({
      userEntityRef,
      entityRef: ref.entityRef,
      states: ['active', 'rotating'],
    });
    const live = service.getTiers(ref).tiers;
    const tiers = [...new Set(working.map(k => k.tier))].sort().map(
      (name): TierView =>
        live.find(t => t.name === name) ?? {
          name,
          configured: false,
          requests: [],
          tokens: [],
        },
    );
    const limitadorNamespace = limitadorNamespaceOf(service.getModel(ref));
    res.json(
      await quota.getQuota({
        userId,
        tiers,
        limitadorNamespace,
        limits: limitadorNamespace
          ? service.routeLimits(limitadorNamespace)
          : undefined,
      }),
    );
  });

  router.get('/models/by-entity/refusals', async (req, res) => {
    const { service, credentials, ref } = await lookupModel(req, {
      requireBound: true,
    });
    const { range, scope, userId } = await usageScope(
      req,
      gate,
      credentials,
      ref.entityRef,
    );
    res.json(
      await refusals.getRefusals({
        range,
        scope,
        userId,
        limitadorNamespace: limitadorNamespaceOf(service.getModel(ref)),
      }),
    );
  });

  router.get('/models/by-entity/token-check', async (req, res) => {
    const { service, credentials, ref } = await lookupModel(req, {
      requireBound: true,
    });
    await gate.require(credentials, maasUsageReadAllPermission, ref.entityRef);
    const model = service.getModel(ref);
    const limitadorNamespace = limitadorNamespaceOf(model);
    res.json(
      await tokenCheck.check({
        modelName: model.modelName,
        limitadorNamespace,
        limits: limitadorNamespace
          ? service.routeLimits(limitadorNamespace)
          : undefined,
      }),
    );
  });

  return router;
}
