import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { maasPermissions } from '@maas-portal/plugin-maas-common';
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
import { createModelLookup } from './permissions/lookupModel';
import { KeyAccess } from './permissions/keyAccess';
import { CallerQuota } from './usage/CallerQuota';
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
        notifications: notificationService,
        events: eventsServiceRef,
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
        notifications,
        events,
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
        const usage = new UsageService({ prometheus });

        const bindings = new EntityBindings({
          state,
          userInfo,
          adminGroups: config.adminGroups,
        });
        const db = await KeyDatabase.create({ database });
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
          notifications,
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
          });
        }

        const gate = new PermissionGate({ httpAuth, permissions });
        // The entity cache: every route about one model, the keys routes' too, reads entities through it.
        const modelRefs = new ModelRefCache({ catalog, ttlSeconds: 10 });
        httpRouter.use(
          await createRouter({
            gate,
            config,
            cluster,
            prometheus,
            bindings,
            modelRefs,
            lookupModel: createModelLookup({
              gate,
              modelRefs,
              models,
              bindings,
            }),
            modelList: new ModelListService({ gate, catalog, models }),
            usage,
            callerQuota: new CallerQuota({
              quota: new QuotaService({
                prometheus,
                limitador: limitadorUrl
                  ? new HttpLimitadorClient({
                      ...config.limitador,
                      url: limitadorUrl,
                    })
                  : undefined,
              }),
              // The keys slice's answer, for the usage slice.
              workingTiers: (userEntityRef, entityRef) =>
                keys.operations.workingTiers(userEntityRef, entityRef),
            }),
            refusals: new RefusalService({ prometheus }),
            tokenCheck: new TokenCheckService({
              prometheus,
              threshold: config.usage.tokenMismatchShare,
            }),
            catalogEntities: new ClusterModelEntities({ state, config }),
            costs: new CostService({
              prometheus,
              catalog,
              pricing: config.pricing,
              routeOf: isvc => models?.limitadorNamespaceOf(isvc),
              limitsOf: route => models?.routeLimits(route),
              freshSeconds: config.prometheus.cacheTtlSeconds,
              staleSeconds: COST_STALE_SECONDS,
            }),
            // The costs slice's answer, for the access slice.
            costsAccess: (credentials, userRef) =>
              costsAccess({ gate, catalog, credentials, userRef }),
            keyAccess: new KeyAccess({
              gate,
              bindings,
              allowSelfApproval: config.approvals.allowSelfApproval,
            }),
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
          }),
        );
      },
    });
  },
});
