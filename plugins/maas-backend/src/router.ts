import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { PageAccess } from '@maas-portal/plugin-maas-common';
import express from 'express';
import Router from 'express-promise-router';
import { createAccessRouter } from './access/createAccessRouter';
import { AdoptionService } from './adoption/AdoptionService';
import { createAdoptionRouter } from './adoption/createAdoptionRouter';
import { ClusterModelEntities } from './catalog/ClusterModelEntities';
import { createCatalogRouter } from './catalog/createCatalogRouter';
import { ClusterClient } from './cluster/ClusterClient';
import { createCostsRouter } from './costs/createCostsRouter';
import { CostService } from './costs/CostService';
import { BudgetService } from './costs/BudgetService';
import { MaasConfig } from './config/MaasConfig';
import { createKeysRouter } from './keys/createKeysRouter';
import { KeyServices } from './keys/createKeyServices';
import { createModelsRouter } from './models/createModelsRouter';
import { ModelListService } from './models/ModelListService';
import { EntityBindings } from './entities/EntityBindings';
import { ModelLookup } from './permissions/lookupModel';
import { ModelRefCache } from './entities/ModelRefCache';
import { KeyAccess } from './permissions/keyAccess';
import { PermissionGate } from './permissions/PermissionGate';
import {
  createPlaygroundRouter,
  PlaygroundQuota,
} from './playground/createPlaygroundRouter';
import { PlaygroundService } from './playground/PlaygroundService';
import { PrometheusClient } from './prometheus/PrometheusClient';
import { createStatusRouter } from './status/createStatusRouter';
import { createInternalAddressFilter } from './status/internalAddresses';
import { createTiersRouter } from './tiers/createTiersRouter';
import { createUsageRouter } from './usage/createUsageRouter';
import { createQuotaRouter } from './usage/createQuotaRouter';
import { CallerQuota } from './usage/CallerQuota';
import { RefusalService } from './usage/RefusalService';
import { TokenCheckService } from './usage/TokenCheckService';
import { UsageService } from './usage/UsageService';

/**
 * The services the routers use, each built and wired once, in plugin.ts. The router builds none:
 * it mounts each feature's router with the services it names.
 */
export interface MaasServices {
  gate: PermissionGate;
  config: MaasConfig;
  cluster?: ClusterClient;
  prometheus?: PrometheusClient;
  /** Which entity each model is, as the cluster says; who is an admin. */
  bindings: EntityBindings;
  /** The entity cache every route about a model reads entities through. */
  modelRefs: ModelRefCache;
  /** What every route about one model starts with (permissions/lookupModel.ts). */
  lookupModel: ModelLookup;
  /** `GET /models`: the models the caller may read. */
  modelList: ModelListService;
  /** Usage per user or for everyone. */
  usage: UsageService;
  /** What the caller has left on a model, per tier of their working keys. */
  callerQuota: CallerQuota;
  /** Refused calls by limit name. */
  refusals: RefusalService;
  /** Whether Limitador counts a model's tokens. */
  tokenCheck: TokenCheckService;
  /** The entities of the models the portal applied, for the catalog module. */
  catalogEntities: ClusterModelEntities;
  /** Usage and cost per user, group and system. */
  costs: CostService;
  /** The teams' soft budgets of a month, from the Costs report. */
  budgets: BudgetService;
  /** Whether the Costs page holds anything for the caller: the costs slice's answer. */
  costsAccess: (
    credentials: BackstageCredentials,
    userRef: string,
  ) => Promise<PageAccess>;
  /** Who may do what with keys and key requests. */
  keyAccess: KeyAccess;
  /** Adopting a hand-deployed model, and keys made outside the portal. */
  adoption: AdoptionService;
  keys: KeyServices;
  /** Chat completions through a model's own gateway route, with the caller's key or token. */
  playground: PlaygroundService;
  /** The usage slice's answer for the playground: the caller's quota, to explain a 429. */
  playgroundQuota: PlaygroundQuota;
  /** Resolves once the cluster's watch caches have made their first LIST (ClusterState.firstRead). */
  clusterRead: () => Promise<void>;
}

/** The plugin's API: each feature's router, composed. Every route goes through the gate. */
export async function createRouter(
  services: MaasServices,
): Promise<express.Router> {
  const { gate, bindings, lookupModel } = services;
  const router = Router();
  router.use(express.json());
  // The API server URL, kubeconfig path and Prometheus URL: in answers to admins only.
  router.use(
    createInternalAddressFilter({
      addresses: [
        ...(services.cluster?.internalAddresses ?? []),
        services.prometheus?.url,
      ],
      credentials: req => gate.caller(req, ['user', 'service']),
      isAdmin: credentials => bindings.isAdmin(credentials),
    }),
  );
  router.use(
    createStatusRouter({
      gate,
      config: services.config,
      cluster: services.cluster,
      prometheus: services.prometheus,
    }),
  );
  // Every route below reads the cluster's watch caches: a request that comes while they make their
  // first LIST, just after a start, waits for it (bounded by the LIST's timeout) instead of getting
  // 503 "still loading", or a model or Costs report without the routes' policies.
  router.use(async (_req, _res, next) => {
    await services.clusterRead();
    next();
  });
  router.use(
    createModelsRouter({ gate, modelList: services.modelList, lookupModel }),
  );
  router.use(createTiersRouter({ lookupModel }));
  router.use(createUsageRouter({ gate, usage: services.usage, lookupModel }));
  router.use(
    createQuotaRouter({
      gate,
      lookupModel,
      callerQuota: services.callerQuota,
      refusals: services.refusals,
      tokenCheck: services.tokenCheck,
    }),
  );
  router.use(
    createPlaygroundRouter({
      lookupModel,
      playground: services.playground,
      quotaOf: services.playgroundQuota,
    }),
  );
  router.use(createCatalogRouter({ gate, entities: services.catalogEntities }));
  router.use(
    createCostsRouter({
      gate,
      costs: services.costs,
      budgets: services.budgets,
      timeZone: services.config.costs.timeZone,
    }),
  );
  router.use(
    createAccessRouter({
      gate,
      keyAccess: services.keyAccess,
      costsAccess: services.costsAccess,
    }),
  );
  router.use(
    createAdoptionRouter({ lookupModel, adoption: services.adoption }),
  );
  router.use(
    await createKeysRouter({
      gate,
      modelRefs: services.modelRefs,
      keys: services.keys,
      keyAccess: services.keyAccess,
    }),
  );
  // Anything else (another method, a path that is not in the API) gets a JSON error body like every
  // other answer, not the empty 404 the root router would give.
  router.use((req, _res) => {
    throw new NotFoundError(
      `${req.method} ${req.baseUrl}${req.path} is not a route of the MaaS API; see its OpenAPI spec (src/schema/openapi.yaml)`,
    );
  });
  return router;
}
