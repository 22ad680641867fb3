import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
  createRouteRef,
} from '@backstage/frontend-plugin-api';
import { Content } from '@backstage/core-components';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import { isMaasAvailable } from '@maas-portal/plugin-maas-common';
import AssignmentTurnedInIcon from '@material-ui/icons/AssignmentTurnedIn';
import MonetizationOnIcon from '@material-ui/icons/MonetizationOn';
import MemoryIcon from '@material-ui/icons/Memory';
import VpnKeyIcon from '@material-ui/icons/VpnKey';
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

/** The model at a glance on its entity's Overview. */
const modelEntityCard = EntityCardBlueprint.make({
  name: 'model',
  params: {
    filter: isMaasAvailable,
    loader: () => import('./components/ModelCard').then(m => <m.ModelCard />),
  },
});

/** The "Create model" template's fields (`ui:field: MaasModelName`, `ui:field: MaasTiers`). */
const modelNameField = FormFieldBlueprint.make({
  name: 'model-name',
  params: {
    field: () =>
      import('./components/scaffolder').then(m => m.modelNameFormField),
  },
});
const tierLimitsField = FormFieldBlueprint.make({
  name: 'tier-limits',
  params: {
    field: () =>
      import('./components/scaffolder').then(m => m.tierLimitsFormField),
  },
});

const modelsRouteRef = createRouteRef();
const keysRouteRef = createRouteRef();
const approvalsRouteRef = createRouteRef();
const costsRouteRef = createRouteRef();

/** Models: the catalog's model servers with health, endpoint and tiers; in the app's nav. */
const modelsPage = PageBlueprint.make({
  name: 'models',
  params: {
    path: '/maas/models',
    routeRef: modelsRouteRef,
    title: 'Models',
    icon: <MemoryIcon />,
    loader: () =>
      import('./components/ModelsPage').then(m => (
        <Content>
          <m.ModelsContent />
        </Content>
      )),
  },
});

/** My API keys; a page with a route, a title and an icon shows in the app's nav. */
const keysPage = PageBlueprint.make({
  name: 'keys',
  params: {
    path: '/maas/keys',
    routeRef: keysRouteRef,
    title: 'My API keys',
    icon: <VpnKeyIcon />,
    loader: () =>
      import('./components/KeysPage').then(m => (
        <Content>
          <m.KeysContent />
        </Content>
      )),
  },
});

const approvalsPage = PageBlueprint.make({
  name: 'approvals',
  params: {
    path: '/maas/approvals',
    routeRef: approvalsRouteRef,
    title: 'Approvals',
    icon: <AssignmentTurnedInIcon />,
    loader: () =>
      import('./components/ApprovalsPage').then(m => (
        <Content>
          <m.ApprovalsContent />
        </Content>
      )),
  },
});

/** Costs (showback) for admins and team leads; the page says why to anyone else. */
const costsPage = PageBlueprint.make({
  name: 'costs',
  params: {
    path: '/maas/costs',
    routeRef: costsRouteRef,
    title: 'Costs',
    icon: <MonetizationOnIcon />,
    loader: () =>
      import('./components/CostsPage').then(m => (
        <Content>
          <m.CostsContent />
        </Content>
      )),
  },
});

/**
 * The catalog's models with their health, for a home page widget of the app (it brings no card of
 * its own; the widget is the card).
 *
 * @alpha
 */
export { ModelsSummary } from './components/ModelsPage/ModelsSummary';
export { useMaasPageAccess } from './hooks/useMaasPageAccess';
export type { MaasPageAccess } from './hooks/useMaasPageAccess';

/**
 * The MaaS frontend plugin for apps on the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'maas',
  title: 'Models as a Service',
  icon: <VpnKeyIcon />,
  routes: {
    models: modelsRouteRef,
    keys: keysRouteRef,
    approvals: approvalsRouteRef,
    costs: costsRouteRef,
  },
  extensions: [
    maasApi,
    modelNameField,
    tierLimitsField,
    modelEntityCard,
    usageEntityContent,
    modelsPage,
    keysPage,
    approvalsPage,
    costsPage,
  ],
});
