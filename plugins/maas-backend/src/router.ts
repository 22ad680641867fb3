import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ApiKey } from '@maas-portal/plugin-maas-common';
import { EventsService } from '@backstage/plugin-events-node';
import express from 'express';
import Router from 'express-promise-router';
import { createAccessRouter } from './access/createAccessRouter';
import { AdoptionService } from './adoption/AdoptionService';
import { createAdoptionRouter } from './adoption/createAdoptionRouter';
import { InferenceServiceBinder } from './adoption/InferenceServiceBinder';
import { OutsideKeys } from './adoption/OutsideKeys';
import { ClusterModelEntities } from './catalog/ClusterModelEntities';
import { createCatalogRouter } from './catalog/createCatalogRouter';
import { ClusterClient } from './cluster/ClusterClient';
import { ClusterState } from './cluster/ClusterState';
import { costsAccess } from './costs/costsAccess';
import { createCostsRouter } from './costs/createCostsRouter';
import { CostService } from './costs/CostService';
import { MaasConfig } from './config/MaasConfig';
import { createKeysRouter } from './keys/createKeysRouter';
import { KeyServices } from './keys/createKeyServices';
import { createModelsRouter } from './models/createModelsRouter';
import { ModelListService } from './models/ModelListService';
import { EntityBindings } from './entities/EntityBindings';
import { createModelLookup } from './permissions/lookupModel';
import { ModelRefCache } from './entities/ModelRefCache';
import { ModelService } from './models/ModelService';
import { PermissionGate } from './permissions/PermissionGate';
import { PrometheusClient } from './prometheus/PrometheusClient';
import { createStatusRouter } from './status/createStatusRouter';
import { createInternalAddressFilter } from './status/internalAddresses';
import { createTiersRouter } from './tiers/createTiersRouter';
import { createUsageRouter } from './usage/createUsageRouter';
import { createQuotaRouter } from './usage/createQuotaRouter';
import { CallerQuota } from './usage/CallerQuota';
import { QuotaService } from './usage/QuotaService';
import { RefusalService } from './usage/RefusalService';
import { TokenCheckService } from './usage/TokenCheckService';
import { UsageService } from './usage/UsageService';

export interface RouterOptions {
  gate: PermissionGate;
  catalog: CatalogService;
  config: MaasConfig;
  cluster?: ClusterClient;
  state?: ClusterState;
  prometheus?: PrometheusClient;
  /** Quota left per tier (Limitador's counters, else an estimate from the metrics). */
  quota: QuotaService;
  /** Refused calls by limit name. */
  refusals: RefusalService;
  /** Whether Limitador counts a model's tokens. */
  tokenCheck: TokenCheckService;
  /** Usage and cost per user, group and system. */
  costs: CostService;
  models?: ModelService;
  usage: UsageService;
  keys: KeyServices;
  /** Which entity each model is, as the cluster says. */
  bindings: EntityBindings;
  /** Writes bindings on InferenceServices (adoption); absent without a cluster. */
  binder?: InferenceServiceBinder;
  /** Key Secrets made outside the portal (adoption); absent without a cluster. */
  outsideKeys?: OutsideKeys;
  /** Backstage's events, to tell the catalog module of an adopted model. */
  events?: EventsService;
  /** Fills in when keys were last used, where the metrics allow. */
  lastUse?: (keys: ApiKey[]) => Promise<ApiKey[]>;
}

/** The plugin's API: each feature's router, composed. Every route goes through the gate. */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { gate, catalog, models, bindings } = options;
  // The entity cache: every route about one model, the keys router's too, reads entities through it.
  const modelRefs = new ModelRefCache({ catalog, ttlSeconds: 10 });
  const lookupModel = createModelLookup({ gate, modelRefs, models, bindings });
  const router = Router();
  router.use(express.json());
  // The API server URL, kubeconfig path and Prometheus URL: in answers to admins only.
  router.use(
    createInternalAddressFilter({
      addresses: [
        ...(options.cluster?.internalAddresses ?? []),
        options.prometheus?.url,
      ],
      credentials: req => gate.caller(req, ['user', 'service']),
      isAdmin: credentials => bindings.isAdmin(credentials),
    }),
  );
  router.use(
    createStatusRouter({
      gate,
      config: options.config,
      cluster: options.cluster,
      prometheus: options.prometheus,
    }),
  );
  router.use(
    createModelsRouter({
      gate,
      modelList: new ModelListService({ gate, catalog, models }),
      lookupModel,
    }),
  );
  router.use(createTiersRouter({ lookupModel }));
  router.use(createUsageRouter({ gate, usage: options.usage, lookupModel }));
  router.use(
    createQuotaRouter({
      gate,
      lookupModel,
      callerQuota: new CallerQuota({
        quota: options.quota,
        workingTiers: (userEntityRef, entityRef) =>
          options.keys.operations.workingTiers(userEntityRef, entityRef),
      }),
      refusals: options.refusals,
      tokenCheck: options.tokenCheck,
    }),
  );
  router.use(
    createCatalogRouter({
      gate,
      entities: new ClusterModelEntities({
        state: options.state,
        config: options.config,
      }),
    }),
  );
  router.use(createCostsRouter({ gate, costs: options.costs }));
  router.use(
    createAccessRouter({
      gate,
      bindings,
      costsAccess: (credentials, userRef) =>
        costsAccess({ gate, catalog, credentials, userRef }),
      allowSelfApproval: options.config.approvals.allowSelfApproval,
    }),
  );
  router.use(
    createAdoptionRouter({
      lookupModel,
      adoption: new AdoptionService({
        bindings,
        catalog,
        binder: options.binder,
        outsideKeys: options.outsideKeys,
        state: options.state,
        events: options.events,
      }),
    }),
  );
  router.use(
    await createKeysRouter({
      gate,
      modelRefs,
      keys: options.keys,
      bindings,
      lastUse: options.lastUse,
      allowSelfApproval: options.config.approvals.allowSelfApproval,
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
