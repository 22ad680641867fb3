import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isMaasAvailable } from '@maas-portal/plugin-maas-common';
import { maasApiRef } from './api/MaasApi';
import { MaasClient } from './api/MaasClient';

const maasApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: maasApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new MaasClient(deps),
    }),
});

const usageEntityContent = EntityContentBlueprint.make({
  name: 'usage',
  params: {
    path: 'usage',
    title: 'Usage',
    filter: isMaasAvailable,
    loader: () => import('./components/UsageTab').then(m => <m.UsageTab />),
  },
});

/**
 * The MaaS frontend plugin for apps on the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'maas',
  extensions: [maasApi, usageEntityContent],
});
