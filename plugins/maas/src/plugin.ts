import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { maasApiRef } from './api/MaasApi';
import { MaasClient } from './api/MaasClient';

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
});

/** The Usage tab of a model entity: put it on entity pages where `isMaasAvailable` holds. */
export const EntityMaasUsageContent = maasPlugin.provide(
  createComponentExtension({
    name: 'EntityMaasUsageContent',
    component: { lazy: () => import('./components/UsageTab').then(m => m.UsageTab) },
  }),
);
