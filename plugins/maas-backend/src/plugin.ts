import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import {
  maasPermissions,
  parseObjectRef,
} from '@maas-portal/plugin-maas-common';
import { readMaasConfig } from './config/MaasConfig';
import {
  loadKubeConfig,
  noClusterMessage,
} from '@maas-portal/plugin-maas-node';
import { KubernetesClusterClient } from './cluster/KubernetesClusterClient';
import { ClusterState } from './cluster/ClusterState';
import { HttpPrometheusClient } from './prometheus/HttpPrometheusClient';
import { HttpLimitadorClient } from './limitador/LimitadorClient';
import { ModelService } from './models/ModelService';
import { UsageService } from './usage/UsageService';
import { createRouter } from './router';
import { COST_STALE_SECONDS, CostService } from './costs/CostService';
import { SettledCostCounts } from './costs/SettledCostCounts';
import { scheduleCostKeeping } from './costs/scheduleCostKeeping';
import { BudgetService } from './costs/BudgetService';
import { scheduleBudgetChecks } from './costs/budgetAlerts';
import { QuotaService } from './usage/QuotaService';
import { RefusalService } from './usage/RefusalService';
import { TokenCheckService } from './usage/TokenCheckService';
import { KeyDatabase } from './keys/store/KeyDatabase';
import { KeySecrets } from './keys/KeySecrets';
import { createKeyServices } from './keys/createKeyServices';
import { scheduleKeyTasks } from './keys/scheduleKeyTasks';
import { createLastUseLookup } from './usage/withLastUse';
import { PermissionGate } from './permissions/PermissionGate';
import { EntityBindings } from './entities/EntityBindings';
import { InferenceServiceBinder } from './adoption/InferenceServiceBinder';
import { OutsideKeys } from './adoption/OutsideKeys';
import { AdoptionService } from './adoption/AdoptionService';
import { ClusterModelEntities } from './catalog/ClusterModelEntities';
import { costsAccess } from './costs/costsAccess';
import { ModelListService } from './models/ModelListService';
import { ModelRefCache } from './entities/ModelRefCache';
import {
  createModelLookup,
  createModelLookupAs,
} from './permissions/lookupModel';
import { registerMaasActions } from './actions/registerMaasActions';
import { KEY_REQUEST_STATES } from './keys/requestStateMachine';
import { KeyAccess } from './permissions/keyAccess';
import { MaasNotifier } from './notifications/MaasNotifier';
import { ModelReaders } from './permissions/modelReaders';
import { LimitWindowNotices } from './usage/limitWindowNotices';
import { scheduleUsageNotices } from './usage/scheduleUsageNotices';
import { notificationLinks } from './notifications/notificationLinks';
import { CallerQuota } from './usage/CallerQuota';
import { PlaygroundService } from './playground/PlaygroundService';
import { offeredTiers } from './tiers/offeredTiers';

/**
 * The MaaS backend plugin: the suite's only door to the cluster and to Prometheus.
 *
 * @public
 */
export const maasPlugin = createBackendPlugin({
  pluginId: 'maas',
  register(env) {
    env.registerInit({
      deps: {
        rootConfig: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
        httpAuth: coreServices.httpAuth,
        userInfo: coreServices.userInfo,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        auditor: coreServices.auditor,
        auth: coreServices.auth,
        notifications: notificationService,
        events: eventsServiceRef,
        actionsRegistry: actionsRegistryServiceRef,
      },
      async init({
        rootConfig,
        logger,
        lifecycle,
        httpAuth,
        userInfo,
        httpRouter,
        permissions,
        permissionsRegistry,
        catalog,
        database,
        scheduler,
        auditor,
        auth,
        notifications,
        events,
        actionsRegistry,
      }) {
        const config = readMaasConfig(rootConfig);
        permissionsRegistry.addPermissions(maasPermissions);
        // Said at every start: a config layer that turns four eyes off must not go unnoticed.
        logger.info(
          `MaaS: maas.approvals.allowSelfApproval is ${
            config.approvals.allowSelfApproval
          }: ${
            config.approvals.allowSelfApproval
              ? 'a requester may decide their own key request (single-admin install)'
              : 'nobody decides their own key request (four eyes)'
          }`,
        );

        const connection = loadKubeConfig(config.cluster);
        const loaded =
          connection.kubeConfig === undefined ? undefined : connection;
        // What every client of the cluster is made with: the kubeconfig and maas.cluster's timeout.
        const kube = loaded && {
          kubeConfig: loaded.kubeConfig,
          timeoutMs: config.cluster.requestTimeoutMs,
        };
        const cluster = loaded
          ? new KubernetesClusterClient({
              ...loaded,
              timeoutMs: config.cluster.requestTimeoutMs,
            })
          : undefined;
        let models: ModelService | undefined;
        let state: ClusterState | undefined;
        // What requests, actions and the Costs task wait for just after a start (no cluster: nothing).
        const clusterRead = async () => state?.firstRead();
        if (kube && cluster) {
          logger.info(
            `MaaS uses the cluster at ${cluster.server} from ${cluster.source}`,
          );
          state = new ClusterState({ ...kube, logger });
          state.start();
          lifecycle.addShutdownHook(() => state!.stop());
          models = new ModelService({ config, state });
        } else {
          logger.info(`MaaS: ${noClusterMessage('model pages say so')}`);
        }
        const prometheusUrl = config.prometheus.url;
        const prometheus = prometheusUrl
          ? new HttpPrometheusClient({
              ...config.prometheus,
              url: prometheusUrl,
            })
          : undefined;
        const limitadorUrl = config.limitador.url;
        // One client of Limitador's counters, for the quota read and the limit-window notices alike.
        const limitador = limitadorUrl
          ? new HttpLimitadorClient({ ...config.limitador, url: limitadorUrl })
          : undefined;
        const usage = new UsageService({ prometheus });

        const bindings = new EntityBindings({
          state,
          userInfo,
          adminGroups: config.adminGroups,
        });
        const db = await KeyDatabase.create({ database });
        // The one way the portal notifies; its once-guard table comes with KeyDatabase's migrations.
        const notifier = new MaasNotifier({
          notifications,
          logger,
          db: await database.getClient(),
        });
        const secrets = kube
          ? new KeySecrets({
              ...kube,
              namespace: config.keys.namespace,
              installId: await db.installId(),
            })
          : undefined;
        const keys = createKeyServices({
          db,
          secrets,
          config,
          logger,
          auditor,
          notifier,
          bindings,
          // The usage slice's answer, for the keys slice.
          lastUse: createLastUseLookup({
            models,
            usage,
            logger,
            metrics: !!prometheus,
          }),
          offeredTiers: models && (ref => offeredTiers(models!.getTiers(ref))),
        });
        if (secrets) {
          await scheduleKeyTasks({
            scheduler,
            keys,
            secrets,
            logger,
            namespaces: [config.namespace],
            notifier,
          });
        }

        // Notices about limits and token counting: who may see a model, as the catalog says.
        const tokenCheck = new TokenCheckService({
          prometheus,
          threshold: config.usage.tokenMismatchShare,
        });
        if (models) {
          const readers = new ModelReaders({
            catalog,
            auth,
            adminGroups: config.adminGroups,
          });
          await scheduleUsageNotices({
            scheduler,
            limitNotices: limitador
              ? new LimitWindowNotices({
                  limitador,
                  notifier,
                  readers,
                  reader: models,
                  // The keys slice's answer, for the usage slice: who holds a working key for which model.
                  keyHolders: async () =>
                    (
                      await keys.operations.listKeys({
                        states: ['active', 'rotating'],
                      })
                    ).flatMap(key => {
                      const inferenceService = parseObjectRef(key.model);
                      return inferenceService
                        ? [{ ...key, inferenceService }]
                        : [];
                    }),
                  logger,
                })
              : undefined,
            tokenCheck,
            models: () => bindings.boundModels(),
            reader: models,
            readers,
            notifier,
            logger,
          });
        }

        const gate = new PermissionGate({ httpAuth, permissions });
        const callerQuota = new CallerQuota({
          quota: new QuotaService({
            prometheus,
            limitador,
          }),
          // The keys slice's answer, for the usage slice.
          workingTiers: (userEntityRef, entityRef) =>
            keys.operations.workingTiers(userEntityRef, entityRef),
        });
        const costs = new CostService({
          prometheus,
          catalog,
          pricing: config.pricing,
          routeOf: isvc => models?.limitadorNamespaceOf(isvc),
          limitsOf: route => models?.routeLimits(route),
          routesRead: clusterRead,
          freshSeconds: config.prometheus.cacheTtlSeconds,
          staleSeconds: COST_STALE_SECONDS,
          // Its table comes with KeyDatabase's migrations.
          settled: new SettledCostCounts(await database.getClient()),
          logger,
        });
        if (prometheus) {
          // Last month and this month computed before anyone opens them.
          await scheduleCostKeeping({
            scheduler,
            costs,
            logger,
            timeZone: config.costs.timeZone,
          });
        }
        const budgets = new BudgetService({
          costs,
          budgets: config.budgets,
          catalog,
        });
        if (prometheus && config.budgets.length > 0) {
          // Team leads are told at 80 % and 100 % of their team's budget, once a month each.
          await scheduleBudgetChecks({
            scheduler,
            budgets,
            catalog,
            notifier,
            logger,
            timeZone: config.costs.timeZone,
            credentials: () => auth.getOwnServiceCredentials(),
          });
        }
        // The entity cache: every route about one model, the keys routes' too, reads entities through it.
        const modelRefs = new ModelRefCache({ catalog, ttlSeconds: 10 });
        const modelLookup = { gate, modelRefs, models, bindings };
        const modelList = new ModelListService({ gate, catalog, models });
        const keyAccess = new KeyAccess({
          gate,
          bindings,
          allowSelfApproval: config.approvals.allowSelfApproval,
        });
        httpRouter.use(
          await createRouter({
            gate,
            config,
            cluster,
            prometheus,
            bindings,
            modelRefs,
            lookupModel: createModelLookup(modelLookup),
            modelList,
            usage,
            callerQuota,
            refusals: new RefusalService({ prometheus }),
            tokenCheck,
            catalogEntities: new ClusterModelEntities({ state, config }),
            costs,
            budgets,
            // The costs slice's answer, for the access slice.
            costsAccess: (credentials, userRef) =>
              costsAccess({ gate, catalog, credentials, userRef }),
            keyAccess,
            adoption: new AdoptionService({
              bindings,
              catalog,
              binder: kube ? new InferenceServiceBinder(kube) : undefined,
              outsideKeys: kube
                ? new OutsideKeys({
                    ...kube,
                    namespace: config.keys.namespace,
                  })
                : undefined,
              state,
              events,
            }),
            keys,
            playground: new PlaygroundService({
              scheme: config.scheme,
              gatewayUrl: config.gatewayUrl,
              logger,
            }),
            // The usage slice's answer, for the playground slice: the Quota card's own figures.
            playgroundQuota: request => callerQuota.of(request),
            clusterRead,
          }),
        );
        // The same self-service as MCP tools (through @backstage/plugin-mcp-actions-backend), on the
        // same services and permission checks as the routes above.
        registerMaasActions({
          actionsRegistry,
          services: {
            gate,
            modelRefs,
            lookupModel: createModelLookupAs(modelLookup),
            keyAccess,
            // The models, usage and keys slices' answers, for the actions slice.
            listModels: credentials => modelList.listFor(credentials),
            quotaOf: request => callerQuota.of(request),
            keyRequests: keys.requests,
            myKeysUrl: `${config.appBaseUrl ?? ''}${notificationLinks.myKeys}`,
            clusterRead,
          },
          requestStates: KEY_REQUEST_STATES,
        });
      },
    });
  },
});
