import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';
import { MarkdownContent } from '@backstage/core-components';
import { ModelsSummary } from '@maas-portal/plugin-maas/alpha';

const content = `
Call the portal's models through one gateway, with a key of your own.

1. **Pick a model** on the [Models](/maas/models) page: its health, endpoint and tiers.
2. **Ask for a key** on the model's *Usage* tab; a tier that needs approval waits for its owner.
3. **Call it**: the *Usage* tab has a ready-to-run curl, Python and JavaScript call.

Your keys are under [My API keys](/maas/keys). Owners and administrators decide requests
under [Approvals](/maas/approvals). A new model: [Create](/create).
`;

const gettingStartedWidget = HomePageWidgetBlueprint.make({
  name: 'getting-started',
  params: {
    name: 'GettingStarted',
    title: 'Getting started',
    description: 'How to call a model of the portal',
    components: async () => ({
      Content: () => <MarkdownContent content={content} />,
    }),
  },
});

const modelsWidget = HomePageWidgetBlueprint.make({
  name: 'models',
  params: {
    name: 'MaasModels',
    title: 'Models',
    description: "The portal's models and their health",
    components: async () => ({ Content: () => <ModelsSummary /> }),
  },
});

export const homeModule = createFrontendModule({
  pluginId: 'home',
  extensions: [gettingStartedWidget, modelsWidget],
});
