import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { MaasPermissionPolicy } from './MaasPermissionPolicy';

/** Installs {@link MaasPermissionPolicy}; its admins are the groups in `maas.adminGroups`. */
export const maasPermissionPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'maas-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint, config: coreServices.rootConfig },
      async init({ policy, config }) {
        const adminGroups = config.getOptionalStringArray(
          'maas.adminGroups',
        ) ?? ['group:default/platform-team'];
        policy.setPolicy(new MaasPermissionPolicy({ adminGroups }));
      },
    });
  },
});
