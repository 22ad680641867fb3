/*
 * A backend with only the Kubernetes plugin behind the portal's route guard, for
 * kubernetesProxy.cluster.test.ts to run as a Node process of its own: the plugin's proxy loads
 * @kubernetes/client-node with a dynamic import, which Jest cannot run. Its config comes from the
 * `--config` arguments, as for any Backstage backend.
 */
import { createBackend } from '@backstage/backend-defaults';
import { kubernetesRouteGuardModule } from '../kubernetesRouteGuardModule';

const backend = createBackend();
backend.add(import('@backstage/plugin-kubernetes-backend'));
backend.add(kubernetesRouteGuardModule);
backend.start();
