import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
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
      },
      async init({ catalog, discovery, auth, scheduler, logger }) {
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
      },
    });
  },
});
