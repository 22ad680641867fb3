/*
 * Guest sign-in for a single-user portal on a laptop (app-config.guest.yaml), and nowhere else:
 * Backstage's guest module is loaded only when `auth.providers.guest` is configured (it fails to
 * start without that key), and never under `auth.environment: production`, where one shared
 * identity would make everyone the same person, even with its
 * `dangerouslyAllowOutsideDevelopment` switch.
 */
import {
  coreServices,
  createBackendFeatureLoader,
} from '@backstage/backend-plugin-api';

export const guestSignInLoader = createBackendFeatureLoader({
  deps: { config: coreServices.rootConfig },
  *loader({ config }) {
    const production =
      config.getOptionalString('auth.environment') === 'production';
    if (config.has('auth.providers.guest') && !production)
      yield import('@backstage/plugin-auth-backend-module-guest-provider');
  },
});
