import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';
import { oidcAuthApi } from './oidcAuthApi';

/** Replaces the app's guest-only sign-in page (same extension id) and adds the OIDC client. */
export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [
    oidcAuthApi,
    SignInPageBlueprint.make({
      params: {
        loader: async () => (await import('./SignInPage')).SignInPage,
      },
    }),
  ],
});
