import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import {
  MODEL_CATALOG_CHANGED_TOPIC,
  ModelCatalogChanged,
} from '@maas-portal/plugin-maas-common';
import { MaasModelEntityProvider } from './MaasModelEntityProvider';

/**
 * Registers in the catalog the models that the "Create model" template applied to the cluster.
 *
 * @public
 */
export const catalogModuleMaasModels = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'maas-models',
  register(reg) {
    reg.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        scheduler: coreServices.scheduler,
        logger: coreServices.logger,
        events: eventsServiceRef,
      },
      async init({ catalog, discovery, auth, scheduler, logger, events }) {
        const provider = new MaasModelEntityProvider({
          discovery,
          auth,
          logger,
        });
        catalog.addEntityProvider(provider);
        await scheduler.scheduleTask({
          id: 'maas-model-entities',
          frequency: { seconds: 5 },
          timeout: { seconds: 30 },
          // Every replica keeps its own provider connection; the full mutation is idempotent.
          scope: 'local',
          fn: () => provider.refresh(),
        });
        // A model just applied or adopted is read at once, so that its page opens when the
        // template run ends, not at the next pass.
        await events.subscribe({
          id: 'maas-model-entities',
          topics: [MODEL_CATALOG_CHANGED_TOPIC],
          onEvent: async ({ eventPayload }) => {
            const { entityRef } = eventPayload as ModelCatalogChanged;
            if (!(await provider.refreshFor(entityRef)))
              logger.info(
                `${entityRef} is not among the model entities yet; the next pass takes it`,
              );
          },
        });
      },
    });
  },
});
