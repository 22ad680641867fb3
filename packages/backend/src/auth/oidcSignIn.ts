/*
 * Sign-in through an OpenID Connect provider (Backstage's `oidc` authenticator): a person is the
 * one catalog User whose annotation `maas.kuadrant.io/oidc-subject` holds the `sub` the issuer
 * gives them, and their groups are that User's `memberOf`, so that ownership, admin rights
 * (maas.adminGroups) and keys follow the catalog.
 *
 * Why `sub` and nothing else: `preferred_username`, `name` and the email's local part are display
 * values a person (or an IdP admin) may choose, so an account named `guest` or an address
 * `jane@contractor.example` must not become the catalog's guest or jane; an email proves nothing
 * without `email_verified` and a domain the portal trusts. `sub` is the issuer's own, never
 * reassigned identifier (OIDC Core 1.0, section 2). It is unique per issuer only: the portal signs
 * in through exactly one issuer (auth.providers.oidc.<environment>), whose ID token signature and
 * `iss` openid-client verifies before this resolver runs, so the subject alone names a person.
 */
import {
  coreServices,
  createBackendFeatureLoader,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  oidcAuthenticator,
  type OidcAuthResult,
} from '@backstage/plugin-auth-backend-module-oidc-provider';
import {
  authProvidersExtensionPoint,
  createOAuthProviderFactory,
  type OAuthAuthenticatorResult,
  type SignInResolver,
} from '@backstage/plugin-auth-node';
import { issuerUrlProblem } from '@maas-portal/plugin-maas-common';

/** The annotation of a catalog User that holds the `sub` claim the configured issuer gives them. */
export const OIDC_SUBJECT_ANNOTATION = 'maas.kuadrant.io/oidc-subject';

/** How a person presents themselves, for messages only (never for the lookup). */
function presentedAs(userinfo: Record<string, unknown>): string {
  const shown = [userinfo.preferred_username, userinfo.email].filter(
    v => typeof v === 'string' && v !== '',
  );
  return shown.length > 0 ? ` (who signs in as ${shown.join(', ')})` : '';
}

export const oidcSubjectResolver: SignInResolver<
  OAuthAuthenticatorResult<OidcAuthResult>
> = async (info, ctx) => {
  const userinfo = info.result.fullProfile.userinfo as Record<string, unknown>;
  const sub = userinfo.sub;
  if (typeof sub !== 'string' || sub === '') {
    throw new NotAllowedError(
      'The identity provider sent no sub claim for this person; an OpenID Connect provider must ' +
        "send one (scope openid). Ask the provider's administrator.",
    );
  }
  try {
    return await ctx.signInWithCatalogUser({
      annotations: { [OIDC_SUBJECT_ANNOTATION]: sub },
    });
  } catch (error) {
    const name = (error as Error)?.name;
    if (name === 'NotFoundError') {
      throw new NotFoundError(
        `No catalog User has the annotation ${OIDC_SUBJECT_ANNOTATION}: "${sub}", the subject ` +
          `the identity provider gives this person${presentedAs(
            userinfo,
          )}; an administrator adds ` +
          'it to their User (kind: User, with its groups in spec.memberOf) in the organization data.',
      );
    }
    if (name === 'ConflictError') {
      throw new ConflictError(
        `More than one catalog User has the annotation ${OIDC_SUBJECT_ANNOTATION}: "${sub}"; ` +
          'a subject names one person, so an administrator keeps it on one User only.',
      );
    }
    throw error;
  }
};

/**
 * The keys an OIDC sign-in needs and the environment variables the portal's config files read
 * them from (app-config.production.yaml, app-config.oidc.yaml): an unset variable leaves its key
 * out of the config, and Backstage would only say the key is missing.
 */
const REQUIRED = (environment: string) => [
  {
    key: `auth.providers.oidc.${environment}.metadataUrl`,
    variable: 'MAAS_OIDC_ISSUER',
  },
  {
    key: `auth.providers.oidc.${environment}.clientId`,
    variable: 'MAAS_OIDC_CLIENT_ID',
  },
  {
    key: `auth.providers.oidc.${environment}.clientSecret`,
    variable: 'MAAS_OIDC_CLIENT_SECRET',
  },
  { key: 'auth.session.secret', variable: 'MAAS_AUTH_SESSION_SECRET' },
];

const DISCOVERY = '/.well-known/openid-configuration';

/**
 * Checks the OIDC sign-in's config at start when `auth.providers.oidc` is set: every key is there
 * and the issuer is a URL Authorino and the token script may use. Throws naming what is missing
 * and the variable to set; returns the issuer.
 */
export function checkOidcSignInConfig(config: Config): string | undefined {
  if (!config.has('auth.providers.oidc')) return undefined;
  const environment =
    config.getOptionalString('auth.environment') ?? 'development';
  const missing = REQUIRED(environment).filter(({ key }) => !config.has(key));
  if (missing.length > 0) {
    throw new InputError(
      `OIDC sign-in is configured (auth.providers.oidc) but ${missing
        .map(m => m.key)
        .join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set: set ` +
        `${missing
          .map(m => m.variable)
          .join(', ')} in the backend's environment ` +
        '(see the README, Production).',
    );
  }
  const metadataUrl = config.getString(
    `auth.providers.oidc.${environment}.metadataUrl`,
  );
  const issuer = metadataUrl.endsWith(DISCOVERY)
    ? metadataUrl.slice(0, -DISCOVERY.length)
    : metadataUrl;
  const problem = issuerUrlProblem(issuer);
  if (problem) {
    throw new InputError(
      `auth.providers.oidc.${environment}.metadataUrl (MAAS_OIDC_ISSUER): "${issuer}" ${problem}`,
    );
  }
  return issuer;
}

/** Backstage's `oidc` provider with the portal's sign-in resolver (config: auth.providers.oidc). */
const oidcSignInModule = createBackendModule({
  pluginId: 'auth',
  moduleId: 'maas-oidc-sign-in',
  register(reg) {
    reg.registerInit({
      deps: { providers: authProvidersExtensionPoint },
      async init({ providers }) {
        providers.registerProvider({
          providerId: 'oidc',
          factory: createOAuthProviderFactory({
            authenticator: oidcAuthenticator,
            signInResolver: oidcSubjectResolver,
          }),
        });
      },
    });
  },
});

/**
 * The oidc sign-in, after its config is checked. A loader, not the module's init, so that the check
 * runs before any plugin starts: a missing variable then stops the backend with one sentence, not
 * after every plugin has failed on its own (index.ts prints it and exits).
 */
export const oidcSignInLoader = createBackendFeatureLoader({
  deps: { config: coreServices.rootConfig, logger: coreServices.rootLogger },
  *loader({ config, logger }) {
    const issuer = checkOidcSignInConfig(config);
    if (issuer) {
      logger.info(
        `OIDC sign-in through ${issuer}: a person is the catalog User whose ${OIDC_SUBJECT_ANNOTATION} annotation holds their sub`,
      );
    }
    yield oidcSignInModule;
  },
});
