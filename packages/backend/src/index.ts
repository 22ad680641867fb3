/*
 * The MaaS portal's backend: a stock Backstage backend plus the MaaS plugins.
 */
import { createBackend } from '@backstage/backend-defaults';
import { guestSignInLoader } from './auth/guestSignIn';
import { oidcSignInLoader } from './auth/oidcSignIn';
import { maasPermissionPolicyModule } from './permissions/maasPermissionPolicyModule';
import { kubernetesRouteGuardModule } from './kubernetes/kubernetesRouteGuardModule';

const backend = createBackend();

/** Every feature of the portal, each plugin followed by the modules that extend it. */
const features: Array<Parameters<typeof backend.add>[0]> = [
  import('@backstage/plugin-app-backend'),
  import('@backstage/plugin-proxy-backend'),

  import('@backstage/plugin-scaffolder-backend'),
  import('@backstage/plugin-scaffolder-backend-module-github'),
  import('@backstage/plugin-scaffolder-backend-module-notifications'),

  import('@backstage/plugin-techdocs-backend'),

  import('@backstage/plugin-auth-backend'),
  // Guest sign-in only where app-config.guest.yaml configures it, never in production
  // (https://backstage.io/docs/auth/guest/provider). See src/auth/guestSignIn.ts.
  guestSignInLoader,
  // Sign-in through an OpenID Connect provider (auth.providers.oidc): a person is the catalog User
  // annotated with their sub, their groups the catalog's memberOf. See src/auth/oidcSignIn.ts.
  oidcSignInLoader,

  import('@backstage/plugin-catalog-backend'),
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
  // See https://backstage.io/docs/features/software-catalog/configuration#subscribing-to-catalog-errors
  import('@backstage/plugin-catalog-backend-module-logs'),

  import('@backstage/plugin-permission-backend'),
  // The portal's policy, least privilege: the Kubernetes proxy and catalog locations (registering,
  // unregistering) for admins (maas.adminGroups) only, deleting an entity for admins and its
  // owners; the rest of Backstage allowed; in the suite, admins and each model's owners approve keys. The root README's Permissions table lists every decision.
  // See src/permissions/MaasPermissionPolicy.ts and
  // https://backstage.io/docs/permissions/getting-started for writing your own.
  maasPermissionPolicyModule,

  import('@backstage/plugin-search-backend'),
  // See https://backstage.io/docs/features/search/search-engines
  import('@backstage/plugin-search-backend-module-pg'),
  import('@backstage/plugin-search-backend-module-catalog'),
  import('@backstage/plugin-search-backend-module-techdocs'),

  // The standard Kubernetes tab beside the MaaS Usage tab
  import('@backstage/plugin-kubernetes-backend'),
  // Custom queries limited to the tab's kinds for non-admins, no client impersonation through the
  // proxy. See src/kubernetes/kubernetesRouteGuard.ts.
  kubernetesRouteGuardModule,

  // MaaS for Backstage: models, tiers, usage and API keys, and the "Create model" actions
  import('@maas-portal/plugin-maas-backend'),
  import('@maas-portal/plugin-scaffolder-backend-module-maas'),
  import('@maas-portal/plugin-catalog-backend-module-maas'),

  import('@backstage/plugin-user-settings-backend'),
  import('@backstage/plugin-notifications-backend'),
  import('@backstage/plugin-signals-backend'),
  import('@backstage/plugin-mcp-actions-backend'),
];

for (const feature of features) backend.add(feature);

// A check at start (a config key or variable missing) fails here with a sentence naming what to
// set: print it, not a stack trace, and exit, so that a pod's crash loop shows why.
backend.start().catch(error => {
  process.stderr.write(`The backend did not start: ${error.message}\n`, () =>
    process.exit(1),
  );
});
