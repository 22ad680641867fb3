import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { kubernetesRouterExtensionPoint } from '@backstage/plugin-kubernetes-node';
import { guardKubernetesRoutes } from './kubernetesRouteGuard';

/**
 * Puts {@link guardKubernetesRoutes} in front of the Kubernetes plugin's own router: custom
 * queries limited to the Kubernetes tab's kinds for everyone without `kubernetes.proxy`, and no
 * client impersonation through the proxy.
 */
export const kubernetesRouteGuardModule = createBackendModule({
  pluginId: 'kubernetes',
  moduleId: 'maas-route-guard',
  register(reg) {
    reg.registerInit({
      deps: {
        router: kubernetesRouterExtensionPoint,
        permissions: coreServices.permissions,
        httpAuth: coreServices.httpAuth,
      },
      async init({ router, permissions, httpAuth }) {
        router.addRouter(({ getDefault }) =>
          guardKubernetesRoutes({ inner: getDefault(), permissions, httpAuth }),
        );
      },
    });
  },
});
