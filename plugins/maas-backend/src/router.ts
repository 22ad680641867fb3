import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InputError,
  NotAllowedError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  maasModelListPermission,
  maasModelReadPermission,
  maasUsageReadAllPermission,
  USAGE_RANGES,
  UsageRange,
} from '@maas-portal/plugin-maas-common';
import { noClusterMessage } from '@maas-portal/plugin-maas-node';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { PermissionGate } from './permissions/PermissionGate';
import { MaasConfig } from './config/MaasConfig';
import { ClusterClient } from './cluster/ClusterClient';
import { PrometheusClient } from './prometheus/PrometheusClient';
import { readStatus } from './service/readStatus';
import { ModelService } from './service/models/ModelService';
import { parseEntityRefParam } from './service/models/resolveModelEntity';
import { ModelEntityResolver } from './service/models/ModelEntityResolver';
import { UsageService } from './service/usage/UsageService';
import { gatewayUserId } from './service/identity/gatewayUserId';

export interface RouterOptions {
  gate: PermissionGate;
  catalog: CatalogService;
  config: MaasConfig;
  cluster?: ClusterClient;
  prometheus?: PrometheusClient;
  models?: ModelService;
  usage: UsageService;
}

const NO_CLUSTER = noClusterMessage();

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { gate, catalog, config, cluster, prometheus, models, usage } = options;
  const router = Router();
  router.use(express.json());

  // Entity lookups are reused for a few seconds: a page load asks for the same entity several times.
  const entities = new ModelEntityResolver({ catalog, ttlSeconds: 10 });
  const caller = (req: Request) => gate.caller(req, ['user', 'service']);

  function modelService(): ModelService {
    if (!models) throw new ServiceUnavailableError(NO_CLUSTER);
    return models;
  }

  /** Authenticates, checks `maas.model.read` on the entity, and resolves its model. */
  async function entityModel(req: Request) {
    const credentials = await caller(req);
    const entityRef = parseEntityRefParam(req.query.entityRef);
    await gate.require(
      credentials,
      maasModelReadPermission,
      stringifyEntityRef(entityRef),
    );
    const service = modelService();
    return {
      service,
      credentials,
      ref: await entities.resolve(entityRef, credentials),
    };
  }

  router.get('/status', async (req, res) => {
    // Says only whether the cluster and Prometheus answer: any signed-in caller may read it.
    await caller(req);
    res.json(await readStatus({ config, cluster, prometheus }));
  });

  router.get('/models', async (req, res) => {
    await gate.require(await caller(req), maasModelListPermission);
    res.json(modelService().listModels());
  });

  router.get('/models/by-entity', async (req, res) => {
    const { service, ref } = await entityModel(req);
    res.json(service.getModel(ref));
  });

  router.get('/models/by-entity/tiers', async (req, res) => {
    const { service, ref } = await entityModel(req);
    res.json(service.getTiers(ref));
  });

  router.get('/models/by-entity/usage', async (req, res) => {
    const { service, credentials, ref } = await entityModel(req);
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
