import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { maasApiRef } from './api/MaasApi';
import { MaasClient } from './api/MaasClient';
import { approvalsRouteRef, keysRouteRef } from './routes';

/** The MaaS frontend plugin, for apps on the legacy frontend system. */
export const maasPlugin = createPlugin({
  id: 'maas',
  apis: [
    createApiFactory({
      api: maasApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new MaasClient(deps),
    }),
  ],
  routes: {
    keys: keysRouteRef,
    approvals: approvalsRouteRef,
  },
});

/** The Usage tab of a model entity: put it on entity pages where `isMaasAvailable` holds. */
export const EntityMaasUsageContent = maasPlugin.provide(
  createComponentExtension({
    name: 'EntityMaasUsageContent',
    component: {
      lazy: () => import('./components/UsageTab').then(m => m.UsageTab),
    },
  }),
);

/** My API keys: every key of the signed-in user, e.g. at `/maas/keys`. */
export const MaasKeysPage = maasPlugin.provide(
  createRoutableExtension({
    name: 'MaasKeysPage',
    component: () => import('./components/KeysPage').then(m => m.KeysPage),
    mountPoint: keysRouteRef,
  }),
);

/** Approvals: the queue of key requests and the audit history, e.g. at `/maas/approvals`. */
export const MaasApprovalsPage = maasPlugin.provide(
  createRoutableExtension({
    name: 'MaasApprovalsPage',
    component: () =>
      import('./components/ApprovalsPage').then(m => m.ApprovalsPage),
    mountPoint: approvalsRouteRef,
  }),
);
