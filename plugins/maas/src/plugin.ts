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
import {
  approvalsRouteRef,
  costsRouteRef,
  keysRouteRef,
  modelsRouteRef,
} from './routes';

/**
 * The MaaS frontend plugin, for apps on the legacy frontend system.
 *
 * @public
 */
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
    models: modelsRouteRef,
    keys: keysRouteRef,
    approvals: approvalsRouteRef,
    costs: costsRouteRef,
  },
});

/**
 * The Usage tab of a model entity: put it on entity pages where `isMaasAvailable` holds.
 *
 * @public
 */
export const EntityMaasUsageContent: () => JSX.Element = maasPlugin.provide(
  createComponentExtension({
    name: 'EntityMaasUsageContent',
    component: {
      lazy: () => import('./components/UsageTab').then(m => m.UsageTab),
    },
  }),
);

/**
 * The model at a glance, for the Overview of entities where `isMaasAvailable` holds.
 *
 * @public
 */
export const EntityMaasModelCard: () => JSX.Element = maasPlugin.provide(
  createComponentExtension({
    name: 'EntityMaasModelCard',
    component: {
      lazy: () => import('./components/ModelCard').then(m => m.ModelCard),
    },
  }),
);

/**
 * Models: the catalog's model servers with health, endpoint and tiers, e.g. at `/maas/models`.
 *
 * @public
 */
export const MaasModelsPage: () => JSX.Element = maasPlugin.provide(
  createRoutableExtension({
    name: 'MaasModelsPage',
    component: () => import('./components/ModelsPage').then(m => m.ModelsPage),
    mountPoint: modelsRouteRef,
  }),
);

/**
 * The catalog's models with their health, for a home page card (it brings no card of its own).
 *
 * @public
 */
export const MaasModelsSummary: (props: {
  modelsPageLink?: string;
}) => JSX.Element = maasPlugin.provide(
  createComponentExtension({
    name: 'MaasModelsSummary',
    component: {
      lazy: () => import('./components/ModelsPage').then(m => m.ModelsSummary),
    },
  }),
);

/**
 * My API keys: every key of the signed-in user, e.g. at `/maas/keys`.
 *
 * @public
 */
export const MaasKeysPage: () => JSX.Element = maasPlugin.provide(
  createRoutableExtension({
    name: 'MaasKeysPage',
    component: () => import('./components/KeysPage').then(m => m.KeysPage),
    mountPoint: keysRouteRef,
  }),
);

/**
 * Approvals: the queue of key requests and the audit history, e.g. at `/maas/approvals`.
 *
 * @public
 */
export const MaasApprovalsPage: () => JSX.Element = maasPlugin.provide(
  createRoutableExtension({
    name: 'MaasApprovalsPage',
    component: () =>
      import('./components/ApprovalsPage').then(m => m.ApprovalsPage),
    mountPoint: approvalsRouteRef,
  }),
);

/**
 * Costs: usage and cost per user, group and system for admins and team leads, e.g. at `/maas/costs`.
 *
 * @public
 */
export const MaasCostsPage: () => JSX.Element = maasPlugin.provide(
  createRoutableExtension({
    name: 'MaasCostsPage',
    component: () => import('./components/CostsPage').then(m => m.CostsPage),
    mountPoint: costsRouteRef,
  }),
);
