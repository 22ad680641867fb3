import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createMaasActions } from './actions';

/**
 * Adds the MaaS actions (`maas:model:*`) to the scaffolder.
 *
 * @public
 */
export const scaffolderModuleMaas = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'maas',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        permissions: coreServices.permissions,
        userInfo: coreServices.userInfo,
        catalog: catalogServiceRef,
        events: eventsServiceRef,
      },
      async init({ scaffolder, ...services }) {
        scaffolder.addActions(...createMaasActions(services));
      },
    });
  },
});
