/* The harness's OpenID Connect provider, over HTTP as Backstage, Authorino and people use it. */
import {
  BACKSTAGE_CLIENT_ID,
  harnessEnv,
  jwtClaims,
  MODELS_RESOURCE,
  OIDC_USERS,
  oidcSignIn,
  SHORT_LIVED_CLIENT_ID,
  SHORT_TOKEN_SECONDS,
} from '../testing/index.ts';

const issuer = () => harnessEnv('MAAS_OIDC_ISSUER');

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
        preferred_username: username,
        groups: user.groups,
        tier: user.tier,
      });
      expect(claims.exp - claims.iat).toBe(3600);
    },
  );

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
