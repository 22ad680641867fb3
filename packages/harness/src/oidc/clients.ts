/*
 * The clients registered at the harness's OpenID Connect provider. Loopback redirect URIs of
 * `native` clients match on any port (RFC 8252 7.3, as oidc-provider implements it), so a portal
 * or a test on a port of its own needs no registration of its own.
 */

/** Backstage's `oidc` auth provider: authorization code, a client secret, the backend's handler. */
export const BACKSTAGE_CLIENT_ID = 'backstage';
/** The path Backstage's oidc provider redirects back to, under the backend's base URL. */
export const BACKSTAGE_REDIRECT_PATH = '/api/auth/oidc/handler/frame';

/** People calling models: a public client (PKCE), authorization code or device code, 1 h tokens. */
export const MODELS_CLIENT_ID = 'maas-cli';
/** The same for tests of expiry: its access tokens live SHORT_TOKEN_SECONDS. */
export const SHORT_LIVED_CLIENT_ID = 'maas-cli-short-lived';
/**
 * Long enough for a sign-in and one call through the gateway on a loaded 2-core machine (at 2 s, with `iat`
 * in whole seconds, a full test run once saw the token expire before its first call), short enough to wait out.
 */
export const SHORT_TOKEN_SECONDS = 8;
/** Where the public clients' authorization codes are sent (nothing listens: the caller reads the redirect). */
export const CLI_REDIRECT_URI = 'http://127.0.0.1/callback';

/** The resource (audience) of access tokens for models: JWTs that the gateway's Authorino verifies. */
export const MODELS_RESOURCE = 'urn:maas:models';
/** The scope that asks for a models token. */
export const MODELS_SCOPE = 'models';
