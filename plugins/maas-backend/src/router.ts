import { HttpAuthService, PermissionsService, BackstageCredentials } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { NotAllowedError, ServiceUnavailableError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult, BasicPermission, ResourcePermission } from '@backstage/plugin-permission-common';
import {
  maasModelListPermission,
  maasModelReadPermission,
} from '@maas-portal/plugin-maas-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { MaasConfig } from './config/MaasConfig';
import { ClusterClient } from './cluster/ClusterClient';
import { PrometheusClient } from './prometheus/PrometheusClient';
import { readStatus } from './service/readStatus';
import { ModelService } from './service/models/ModelService';
import { parseEntityRefParam, resolveModelEntity } from './service/models/resolveModelEntity';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  config: MaasConfig;
  cluster?: ClusterClient;
  prometheus?: PrometheusClient;
  models?: ModelService;
}

const NO_CLUSTER =
  'No cluster is connected to the portal. Set maas.cluster.kubeconfig (or KUBECONFIG), or run the backend in the cluster, then restart it.';

export async function createRouter(options: RouterOptions): Promise<express.Router> {
  const { httpAuth, permissions, catalog, config, cluster, prometheus, models } = options;
  const router = Router();
  router.use(express.json());

  const userCredentials = (req: Request) => httpAuth.credentials(req, { allow: ['user', 'service'] });

  async function authorize(
    credentials: BackstageCredentials,
    permission: BasicPermission | ResourcePermission,
    resourceRef?: string,
  ) {
    const [decision] = await permissions.authorize(
      [resourceRef ? { permission: permission as ResourcePermission, resourceRef } : { permission: permission as BasicPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`You lack the ${permission.name} permission${resourceRef ? ` on ${resourceRef}` : ''}`);
    }
  }

  function modelService(): ModelService {
    if (!models) throw new ServiceUnavailableError(NO_CLUSTER);
    return models;
  }

  /** Authenticates, checks `maas.model.read` on the entity, and resolves its model. */
  async function entityModel(req: Request) {
    const credentials = await userCredentials(req);
    const entityRef = parseEntityRefParam(req.query.entityRef);
    await authorize(credentials, maasModelReadPermission, stringifyEntityRef(entityRef));
    const service = modelService();
    return { service, credentials, ref: await resolveModelEntity(catalog, entityRef, credentials) };
  }

  router.get('/status', async (req, res) => {
    await userCredentials(req);
    res.json(await readStatus({ config, cluster, prometheus }));
  });

  router.get('/models', async (req, res) => {
    await authorize(await userCredentials(req), maasModelListPermission);
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

  return router;
}
