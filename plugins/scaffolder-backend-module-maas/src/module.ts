import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
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
      },
      async init({ scaffolder, config, logger, permissions, userInfo }) {
        scaffolder.addActions(
          ...createMaasActions({ config, logger, permissions, userInfo }),
        );
      },
    });
  },
});
