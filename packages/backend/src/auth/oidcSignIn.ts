/*
 * Sign-in through an OpenID Connect provider (Backstage's `oidc` authenticator): a person is the
 * catalog User named by their `preferred_username` (else their email's local part), and their
 * groups are that User's `memberOf` in the catalog, so that ownership, admin rights
 * (maas.adminGroups) and keys follow the catalog, not claims the provider may phrase otherwise.
 */
import { createBackendModule } from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
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

/** A catalog entity name: what a User's `metadata.name` may be. */
const ENTITY_NAME = /^[a-z0-9A-Z]([-_.a-z0-9A-Z]{0,61}[a-z0-9A-Z])?$/;

/** The catalog User name of a person signing in: `preferred_username`, else the email's local part. */
export function catalogUserName(
  userinfo: Record<string, unknown>,
): string | undefined {
  const preferred = userinfo.preferred_username;
  if (typeof preferred === 'string' && preferred) return preferred;
  const email = userinfo.email;
  if (typeof email === 'string' && email.includes('@'))
    return email.slice(0, email.indexOf('@'));
  return undefined;
}

export const preferredUsernameResolver: SignInResolver<
  OAuthAuthenticatorResult<OidcAuthResult>
> = async (info, ctx) => {
  const userinfo = info.result.fullProfile.userinfo as Record<string, unknown>;
  const name = catalogUserName(userinfo);
  if (!name) {
    throw new NotAllowedError(
      'The identity provider sent neither preferred_username nor email for this person; ' +
        'add one of those claims to its userinfo answer (scopes profile and email).',
    );
  }
  if (!ENTITY_NAME.test(name)) {
    throw new NotAllowedError(
      `"${name}" (preferred_username or the email's local part) is not a catalog entity name; ` +
        'a catalog User needs letters, digits, -, _ and . only.',
    );
  }
  try {
    return await ctx.signInWithCatalogUser({ entityRef: { name } });
  } catch (error) {
    if ((error as Error)?.name === 'NotFoundError') {
      throw new NotFoundError(
        `No catalog User "user:default/${name}" for this sign-in; an administrator adds one ` +
          '(kind: User, with its groups in spec.memberOf) to the catalog.',
      );
    }
    throw error;
  }
};

/** Backstage's `oidc` provider with the portal's sign-in resolver (config: auth.providers.oidc). */
export const oidcSignInModule = createBackendModule({
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
            signInResolver: preferredUsernameResolver,
          }),
        });
      },
    });
  },
});
