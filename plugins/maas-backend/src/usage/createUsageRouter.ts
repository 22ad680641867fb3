import { InputError, NotAllowedError } from '@backstage/errors';
import {
  maasUsageReadAllPermission,
  USAGE_RANGES,
  UsageRange,
} from '@maas-portal/plugin-maas-common';
import express from 'express';
import Router from 'express-promise-router';
import { gatewayUserId } from '../keys/gatewayUserId';
import { EntityModelLookup } from '../models/entityModel';
import { PermissionGate } from '../permissions/PermissionGate';
import { UsageService } from './UsageService';

/**
 * `GET /models/by-entity/usage`: calls, limits and tokens of a model over a range; one's own, or
 * everyone's with maas.usage.read-all on the model (then the default).
 */
export function createUsageRouter(options: {
  gate: PermissionGate;
  usage: UsageService;
  entityModel: EntityModelLookup;
}): express.Router {
  const { gate, usage, entityModel } = options;
  const router = Router();

  router.get('/models/by-entity/usage', async (req, res) => {
    const { service, credentials, ref } = await entityModel(req, {
      requireBound: true,
    });
    const range = (req.query.range ?? '24h') as UsageRange;
    if (!USAGE_RANGES.includes(range)) {
      throw new InputError(`range must be one of ${USAGE_RANGES.join(', ')}`);
    }
    const scopeParam = req.query.scope;
    if (
      scopeParam !== undefined &&
      scopeParam !== 'user' &&
      scopeParam !== 'all'
    ) {
      throw new InputError('scope must be "user" or "all"');
    }
    const readAll = await gate.decide(
      credentials,
      maasUsageReadAllPermission,
      ref.entityRef,
    );
    if (scopeParam === 'all' && !readAll.allowed) {
      throw new NotAllowedError(readAll.reason);
    }
    const scope = scopeParam ?? (readAll.allowed ? 'all' : 'user');
    const principal = credentials.principal as {
      type: string;
      userEntityRef?: string;
    };
    const userId = principal.userEntityRef
      ? gatewayUserId(principal.userEntityRef)
      : undefined;
    if (scope === 'user' && !userId) {
      throw new InputError(
        'Only a signed-in user has usage of their own; ask for scope=all',
      );
    }
    const model = service.getModel(ref);
    res.json(
      await usage.getUsage({
        range,
        scope,
        userId,
        modelName: model.modelName,
        limitadorNamespace: model.route
          ? `${model.route.namespace}/${model.route.name}`
          : undefined,
      }),
    );
  });

  return router;
}
