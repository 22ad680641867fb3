/*
 * An OpenID Connect provider for the harness: `oidc-provider` (the certified implementation) on a
 * free 127.0.0.1 port, with the three people of users.ts, the clients of clients.ts and a password
 * sign-in page. Backstage signs in through it (authorization code, userinfo); people and tests get
 * JWT access tokens for models (resource MODELS_RESOURCE) carrying the `groups` and `tier` claims
 * that the gateway's Authorino reads, through the authorization-code or the device-code grant.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import { promisify } from 'node:util';
import Provider, { errors } from 'oidc-provider';
import type { ClientMetadata, Configuration } from 'oidc-provider';
import type { Logger } from '../logging.ts';
import {
  BACKSTAGE_CLIENT_ID,
  BACKSTAGE_REDIRECT_PATH,
  CLI_REDIRECT_URI,
  MODELS_CLIENT_ID,
  MODELS_RESOURCE,
  MODELS_SCOPE,
  SHORT_LIVED_CLIENT_ID,
  SHORT_TOKEN_SECONDS,
} from './clients.ts';
import { deviceFlowPages } from './devicePages.ts';
import { handleInteraction } from './loginPage.ts';
import { OIDC_USERS } from './users.ts';
import type { OidcUser } from './users.ts';

export interface OidcProviderInstance {
  issuer: string;
  /** What the harness exports: the issuer and Backstage's client (the portal's app-config.oidc.yaml reads them). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

const MODEL_CLIENTS = new Set([MODELS_CLIENT_ID, SHORT_LIVED_CLIENT_ID]);
const HOUR = 3600;

/** The claims a person's tokens and userinfo carry, by scope (see `claims` below). */
function claimsOf(user: OidcUser) {
  return {
    sub: user.username,
    name: user.name,
    preferred_username: user.preferredUsername,
    email: user.email,
    email_verified: user.emailVerified,
    groups: user.groups,
    tier: user.tier,
  };
}

const findUser = (id: string | undefined) =>
  OIDC_USERS.find(u => u.username === id);

function clients(backstageSecret: string): ClientMetadata[] {
  const modelsClient = (clientId: string): ClientMetadata => ({
    client_id: clientId,
    application_type: 'native',
    token_endpoint_auth_method: 'none',
    redirect_uris: [CLI_REDIRECT_URI],
    grant_types: [
      'authorization_code',
      'refresh_token',
      'urn:ietf:params:oauth:grant-type:device_code',
    ],
    response_types: ['code'],
  });
  return [
    {
      client_id: BACKSTAGE_CLIENT_ID,
      client_secret: backstageSecret,
      // `native` so that the loopback redirect URIs below match a portal on any port.
      application_type: 'native',
      redirect_uris: [
        `http://localhost:7007${BACKSTAGE_REDIRECT_PATH}`,
        `http://127.0.0.1:7007${BACKSTAGE_REDIRECT_PATH}`,
      ],
      post_logout_redirect_uris: ['http://localhost:3000/'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    },
    modelsClient(MODELS_CLIENT_ID),
    modelsClient(SHORT_LIVED_CLIENT_ID),
  ];
}

const generateKeyPair = promisify(crypto.generateKeyPair);

async function configuration(backstageSecret: string): Promise<Configuration> {
  const { privateKey } = await generateKeyPair('rsa', { modulusLength: 2048 });
  return {
    clients: clients(backstageSecret),
    jwks: {
      keys: [
        {
          ...(privateKey.export({ format: 'jwk' }) as object),
          kid: `harness-${crypto.randomBytes(4).toString('hex')}`,
          use: 'sig',
          alg: 'RS256',
        } as any,
      ],
    },
    cookies: { keys: [crypto.randomBytes(32).toString('base64url')] },
    scopes: ['openid', 'offline_access', 'profile', 'email', 'groups'],
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username'],
      email: ['email', 'email_verified'],
      groups: ['groups', 'tier'],
    },
    async findAccount(_ctx, id) {
      const user = findUser(id);
      if (!user) return undefined;
      return { accountId: id, claims: async () => claimsOf(user) };
    },
    // Access tokens for models are JWTs with the claims the AuthPolicy reads, as Keycloak's are.
    async extraTokenClaims(_ctx, token) {
      if (token.kind !== 'AccessToken' || !token.resourceServer)
        return undefined;
      const user = findUser(token.accountId);
      if (!user) return undefined;
      const { sub: _sub, ...claims } = claimsOf(user);
      return claims;
    },
    features: {
      devInteractions: { enabled: false },
      deviceFlow: { enabled: true, ...deviceFlowPages },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // Model clients always get a models token; Backstage gets a userinfo token (no resource).
        defaultResource: async (_ctx, client, oneOf) => {
          if (oneOf?.length) return oneOf[0];
          return MODEL_CLIENTS.has(client.clientId)
            ? MODELS_RESOURCE
            : (undefined as any);
        },
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx, resource, client) => {
          if (resource !== MODELS_RESOURCE) {
            throw new errors.InvalidTarget(
              `unknown resource ${resource}; the only one is ${MODELS_RESOURCE}`,
            );
          }
          return {
            scope: MODELS_SCOPE,
            audience: MODELS_RESOURCE,
            accessTokenFormat: 'jwt',
            accessTokenTTL:
              client.clientId === SHORT_LIVED_CLIENT_ID
                ? SHORT_TOKEN_SECONDS
                : HOUR,
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    interactions: {
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    // Backstage keeps a person signed in across page loads with a refresh token, without asking
    // for the offline_access scope (which oidc-provider honours only with prompt=consent).
    issueRefreshToken: async (_ctx, client) =>
      client.grantTypeAllowed('refresh_token'),
    // An error page that says what failed (e.g. an unregistered redirect_uri) in plain text.
    async renderError(ctx, out) {
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = `${out.error}: ${out.error_description ?? ''}\n`;
    },
    ttl: {
      // A models token lives as its resource server says (SHORT_TOKEN_SECONDS for the short-lived client).
      AccessToken: (_ctx, token) =>
        token.resourceServer?.accessTokenTTL ?? HOUR,
      AuthorizationCode: 60,
      IdToken: HOUR,
      DeviceCode: 600,
      Interaction: 600,
      Session: 8 * HOUR,
      Grant: 8 * HOUR,
      RefreshToken: 8 * HOUR,
    },
  };
}

/** Starts the provider on 127.0.0.1:`port` (in this process: no binary to build, ready in well under a second). */
export async function startOidcProvider(options: {
  port: number;
  log: Logger;
}): Promise<OidcProviderInstance> {
  const issuer = `http://127.0.0.1:${options.port}`;
  const backstageSecret = crypto.randomBytes(24).toString('base64url');
  const provider = new Provider(issuer, await configuration(backstageSecret));
  provider.on('server_error', (_ctx, error) =>
    options.log(`oidc provider: ${error.message}`),
  );
  const callback = provider.callback();
  const server = http.createServer((req, res) => {
    handleInteraction(provider, req, res)
      .then(handled => {
        if (!handled) callback(req, res);
      })
      .catch(error => {
        options.log(`oidc sign-in page: ${error.message}`);
        if (!res.headersSent) res.writeHead(500);
        res.end('The sign-in page failed; see the harness log.');
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  return {
    issuer,
    env: {
      MAAS_OIDC_ISSUER: issuer,
      MAAS_OIDC_CLIENT_ID: BACKSTAGE_CLIENT_ID,
      MAAS_OIDC_CLIENT_SECRET: backstageSecret,
      MAAS_OIDC_MODELS_CLIENT_ID: MODELS_CLIENT_ID,
      // Backstage's oidc sign-in keeps its state in a session cookie signed with this (auth.session.secret).
      MAAS_AUTH_SESSION_SECRET: crypto.randomBytes(24).toString('base64url'),
    },
    stop: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
