/* The harness's OpenID Connect provider, over HTTP as Backstage, Authorino and people use it. */
import {
  BACKSTAGE_CLIENT_ID,
  harnessEnv,
  jwtClaims,
  MODELS_CLIENT_ID,
  MODELS_RESOURCE,
  OIDC_USERS,
  oidcUser,
  oidcSignIn,
  SHORT_LIVED_CLIENT_ID,
  SHORT_TOKEN_SECONDS,
} from '../testing/index.ts';

const issuer = () => harnessEnv('MAAS_OIDC_ISSUER');

/** A browser, as far as the provider's pages need one: cookies, redirects, form posts. */
function browser() {
  const cookies = new Map<string, string>();
  return async function browse(
    url: string,
    form?: Record<string, string>,
  ): Promise<{ url: string; status: number; html: string }> {
    let next = url;
    let body = form && new URLSearchParams(form).toString();
    for (let hop = 0; hop < 10; hop++) {
      const res = await fetch(next, {
        method: body ? 'POST' : 'GET',
        body,
        redirect: 'manual',
        headers: {
          Cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
          ...(body
            ? { 'Content-Type': 'application/x-www-form-urlencoded' }
            : {}),
        },
      });
      for (const line of res.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const eq = pair.indexOf('=');
        cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
      }
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location)
        return { url: next, status: res.status, html: await res.text() };
      next = new URL(location, next).toString();
      body = undefined;
    }
    throw new Error(`too many redirects from ${url}`);
  };
}

/** The hidden fields of the page's first form, and where it posts. */
function formOf(html: string): {
  action: string;
  fields: Record<string, string>;
} {
  const action = /<form[^>]*action="([^"]*)"/.exec(html)?.[1] ?? '';
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(
    /<input type="hidden" name="([^"]+)" value="([^"]*)"/g,
  ))
    fields[m[1]] = m[2];
  return { action, fields };
}

const deviceToken = async (deviceCode: string) => {
  const res = await fetch(`${issuer()}/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      client_id: MODELS_CLIENT_ID,
      device_code: deviceCode,
    }),
  });
  return res.json();
};

describe('the harness OIDC provider', () => {
  it('publishes discovery and keys for this issuer, with the device flow', async () => {
    const discovery = await (
      await fetch(`${issuer()}/.well-known/openid-configuration`)
    ).json();
    expect(discovery.issuer).toBe(issuer());
    expect(discovery.device_authorization_endpoint).toBe(
      `${issuer()}/device/auth`,
    );
    const jwks = await (await fetch(discovery.jwks_uri)).json();
    expect(jwks.keys).toEqual([
      expect.objectContaining({ kty: 'RSA', alg: 'RS256', use: 'sig' }),
    ]);
    expect(jwks.keys[0].d).toBeUndefined();
  });

  it.each(OIDC_USERS.map(u => [u.username, u] as const))(
    'signs %s in through the password page and issues a models JWT with groups and tier',
    async (username, user) => {
      const tokens = await oidcSignIn(username);
      const claims = jwtClaims(tokens.accessToken);
      expect(claims).toMatchObject({
        iss: issuer(),
        aud: MODELS_RESOURCE,
        sub: username,
        preferred_username: user.preferredUsername,
        email_verified: user.emailVerified,
        groups: user.groups,
        tier: user.tier,
      });
      expect(claims.exp - claims.iat).toBe(3600);
    },
  );

  it("gives a models token through the device flow, as an OIDC model's Usage tab tells people", async () => {
    const device = await (
      await fetch(`${issuer()}/device/auth`, {
        method: 'POST',
        body: new URLSearchParams({
          client_id: MODELS_CLIENT_ID,
          scope: 'openid',
        }),
      })
    ).json();
    expect((await deviceToken(device.device_code)).error).toBe(
      'authorization_pending',
    );
    // The person opens the link, confirms the code, and signs in on the password page.
    const browse = browser();
    const opened = await browse(device.verification_uri_complete);
    const submitted = formOf(opened.html);
    const confirm = await browse(submitted.action, submitted.fields);
    expect(confirm.html).toContain(
      `with code <code>${device.user_code}</code>`,
    );
    const confirmed = formOf(confirm.html);
    const login = await browse(confirmed.action, confirmed.fields);
    expect(login.html).toContain('<label for="password">Password</label>');
    const done = await browse(`${login.url}/login`, {
      username: 'bob',
      password: oidcUser('bob').password,
    });
    expect(done.html).toContain('Go back to your terminal');

    const token = await deviceToken(device.device_code);
    expect(jwtClaims(token.access_token)).toMatchObject({
      aud: MODELS_RESOURCE,
      sub: 'bob',
      tier: ['free'],
    });
  });

  it('refuses a wrong password on its page, naming what to do', async () => {
    await expect(oidcSignIn('bob', { password: 'wrong' })).rejects.toThrow(
      'signing in as bob answered 401 without a redirect: Unknown user or wrong password. Try again.',
    );
  });

  it('issues tokens that expire after SHORT_TOKEN_SECONDS to the short-lived client', async () => {
    const claims = jwtClaims(
      (await oidcSignIn('jane', { clientId: SHORT_LIVED_CLIENT_ID }))
        .accessToken,
    );
    expect(claims.exp - claims.iat).toBe(SHORT_TOKEN_SECONDS);
  });

  it("accepts Backstage's redirect URI on any loopback port, and no other host", async () => {
    const start = (redirect: string) =>
      fetch(
        `${issuer()}/auth?${new URLSearchParams({
          client_id: BACKSTAGE_CLIENT_ID,
          response_type: 'code',
          scope: 'openid profile email',
          redirect_uri: redirect,
          state: 's',
        })}`,
        { redirect: 'manual' },
      );
    const ok = await start(
      'http://127.0.0.1:41234/api/auth/oidc/handler/frame',
    );
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toMatch(/^\/interaction\//);
    const page = await fetch(new URL(ok.headers.get('location')!, issuer()), {
      headers: {
        Cookie: ok.headers
          .getSetCookie()
          .map(c => c.split(';')[0])
          .join('; '),
      },
    });
    expect(await page.text()).toContain(
      '<label for="password">Password</label>',
    );
    const other = await start(
      'http://evil.example/api/auth/oidc/handler/frame',
    );
    expect(other.status).toBe(400);
  });
});
