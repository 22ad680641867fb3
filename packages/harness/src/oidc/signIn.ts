/*
 * Tokens for tests, as a person gets them: the authorization-code flow (with PKCE) of the harness's
 * OpenID Connect provider driven over HTTP, through its own sign-in form, then its token endpoint.
 * Nothing is signed here; every token comes from the provider's own grant.
 */
import crypto from 'node:crypto';
import { harnessEnv } from '../testing/harnessEnv.ts';
import { CLI_REDIRECT_URI, MODELS_CLIENT_ID } from './clients.ts';
import { oidcUser } from './users.ts';

export interface OidcTokens {
  /** A JWT for models (audience MODELS_RESOURCE) with the `groups` and `tier` claims. */
  accessToken: string;
  idToken: string;
  expiresIn: number;
}

/** A cookie jar for one sign-in: the provider's interaction and session cookies. */
class Cookies {
  private jar = new Map<string, string>();
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      this.jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1));
    }
  }
  header(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

async function step(
  what: string,
  url: string,
  cookies: Cookies,
  init: RequestInit = {},
): Promise<string> {
  const res = await fetch(url, {
    ...init,
    redirect: 'manual',
    headers: { ...(init.headers as object), Cookie: cookies.header() },
  });
  cookies.take(res);
  const location = res.headers.get('location');
  if (res.status < 300 || res.status >= 400 || !location) {
    const page = await res.text();
    // The sign-in page says what went wrong in its alert; other answers are shown as they start.
    const alert = /role="alert">([^<]*)</.exec(page)?.[1];
    throw new Error(
      `OIDC sign-in: ${what} answered ${res.status} without a redirect: ${
        alert ?? page.slice(0, 300)
      }`,
    );
  }
  return new URL(location, url).toString();
}

/**
 * Signs `username` in at the harness's provider (MAAS_OIDC_ISSUER) with `password` (default: theirs)
 * and returns their tokens. `clientId`: MODELS_CLIENT_ID (1 h) or SHORT_LIVED_CLIENT_ID.
 */
export async function oidcSignIn(
  username: string,
  options: { clientId?: string; password?: string; issuer?: string } = {},
): Promise<OidcTokens> {
  const issuer = options.issuer ?? harnessEnv('MAAS_OIDC_ISSUER');
  const clientId = options.clientId ?? MODELS_CLIENT_ID;
  const password = options.password ?? oidcUser(username).password;
  const verifier = crypto.randomBytes(32).toString('base64url');
  const challenge = crypto
    .createHash('sha256')
    .update(verifier)
    .digest('base64url');
  const cookies = new Cookies();
  const authorize = new URL(`${issuer}/auth`);
  authorize.search = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    scope: 'openid profile email groups',
    redirect_uri: CLI_REDIRECT_URI,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: crypto.randomBytes(8).toString('hex'),
  }).toString();
  const loginPage = await step(
    'the authorization request',
    authorize.toString(),
    cookies,
  );
  const resume = await step(
    `signing in as ${username}`,
    `${loginPage}/login`,
    cookies,
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username, password }).toString(),
    },
  );
  // The provider then asks for consent (granted without a page) and redirects to the client.
  let next = resume;
  for (let hop = 0; !next.startsWith(CLI_REDIRECT_URI); hop++) {
    if (hop > 5)
      throw new Error(`OIDC sign-in: too many redirects, at ${next}`);
    next = await step('resuming the authorization', next, cookies);
  }
  const callback = new URL(next);
  const code = callback.searchParams.get('code');
  if (!code) {
    throw new Error(
      `OIDC sign-in: no code in the redirect to ${callback.origin}${
        callback.pathname
      }: ${
        callback.searchParams.get('error_description') ??
        callback.searchParams.get('error')
      }`,
    );
  }
  const res = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: CLI_REDIRECT_URI,
      client_id: clientId,
      code_verifier: verifier,
    }).toString(),
  });
  const body = await res.json();
  if (!res.ok) {
    throw new Error(
      `OIDC sign-in: the token endpoint answered ${
        res.status
      }: ${JSON.stringify(body)}`,
    );
  }
  return {
    accessToken: body.access_token,
    idToken: body.id_token,
    expiresIn: body.expires_in,
  };
}

/** The claims of a JWT, unverified (for assertions on what the provider issued). */
export function jwtClaims(token: string): Record<string, any> {
  const [, payload] = token.split('.');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
}

/** What a Backstage backend's OIDC sign-in answered: the person's identity, or its error. */
export interface BackstageSignInResult {
  /** `backstageIdentity` of Backstage's auth response: its token and `identity.userEntityRef`. */
  identity?: {
    token: string;
    identity: { userEntityRef: string; ownershipEntityRefs: string[] };
  };
  error?: { name: string; message: string };
}

/**
 * Signs `username` in to a Backstage backend (at `backendUrl`, auth.providers.oidc.`env` pointing at
 * this harness's provider) as the sign-in popup does: the backend's /start, the provider's password
 * page, then the backend's /handler/frame, whose page carries the auth response it posts to the app.
 */
export async function backstageOidcSignIn(
  backendUrl: string,
  username: string,
  options: { env?: string; password?: string } = {},
): Promise<BackstageSignInResult> {
  const password = options.password ?? oidcUser(username).password;
  const backend = new Cookies();
  const provider = new Cookies();
  const start = new URL(`${backendUrl}/api/auth/oidc/start`);
  start.search = new URLSearchParams({
    env: options.env ?? 'development',
    scope: 'openid profile email',
  }).toString();
  const authorize = await step(
    "the backend's sign-in start",
    start.toString(),
    backend,
  );
  const loginPage = await step(
    'the authorization request',
    authorize,
    provider,
  );
  let next = await step(
    `signing in as ${username}`,
    `${loginPage}/login`,
    provider,
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username, password }).toString(),
    },
  );
  const frame = `${backendUrl}/api/auth/oidc/handler/frame`;
  for (let hop = 0; !next.startsWith(frame); hop++) {
    if (hop > 5)
      throw new Error(`OIDC sign-in: too many redirects, at ${next}`);
    next = await step('resuming the authorization', next, provider);
  }
  const res = await fetch(next, {
    redirect: 'manual',
    headers: { Cookie: backend.header() },
  });
  const page = await res.text();
  const encoded = /authResponse = decodeURIComponent\('([^']*)'\)/.exec(
    page,
  )?.[1];
  if (!encoded) {
    throw new Error(
      `OIDC sign-in: the backend's handler answered ${
        res.status
      } without an auth response: ${page.slice(0, 300)}`,
    );
  }
  const response = JSON.parse(decodeURIComponent(encoded));
  if (response.error) {
    return {
      error: { name: response.error.name, message: response.error.message },
    };
  }
  return { identity: response.response.backstageIdentity };
}
