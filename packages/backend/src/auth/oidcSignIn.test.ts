import { ConfigReader } from '@backstage/config';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  checkOidcSignInConfig,
  OIDC_SUBJECT_ANNOTATION,
  oidcSubjectResolver,
} from './oidcSignIn';

// The resolver's lookup alone; the catalog query (signInWithCatalogUser by annotation) is the auth
// plugin's, so this test stands in for it at its edge. The real sign-in through the harness's
// provider and catalog, with look-alike accounts, is productionSignIn.cluster.test.ts.
function resolve(
  userinfo: Record<string, unknown>,
  users: Record<string, string[]> = { 'sub-of-jane': ['user:default/jane'] },
) {
  const signInWithCatalogUser = jest.fn(
    async ({ annotations }: { annotations: Record<string, string> }) => {
      const found = users[annotations[OIDC_SUBJECT_ANNOTATION]] ?? [];
      if (found.length === 0) throw new NotFoundError('User not found');
      if (found.length > 1)
        throw new ConflictError('User lookup resulted in multiple matches');
      return { token: `token-of-${found[0]}` };
    },
  );
  const result = oidcSubjectResolver(
    { result: { fullProfile: { userinfo } } } as any,
    { signInWithCatalogUser } as any,
  );
  return { result, signInWithCatalogUser };
}

describe('OIDC sign-in', () => {
  it('H2: finds the catalog User by the sub annotation, never by preferred_username or email', async () => {
    const { result, signInWithCatalogUser } = resolve({
      sub: 'sub-of-jane',
      preferred_username: 'someone-else',
      email: 'x@example.com',
    });
    await expect(result).resolves.toEqual({
      token: 'token-of-user:default/jane',
    });
    expect(signInWithCatalogUser).toHaveBeenCalledWith({
      annotations: { [OIDC_SUBJECT_ANNOTATION]: 'sub-of-jane' },
    });
  });

  it('H2: refuses a person whose sub no User carries, even named like a catalog User, saying what to add', async () => {
    await expect(
      resolve({
        sub: 'mallory',
        preferred_username: 'jane',
        email: 'jane@contractor.example',
      }).result,
    ).rejects.toThrow(
      'No catalog User has the annotation maas.kuadrant.io/oidc-subject: "mallory", the subject the identity ' +
        'provider gives this person (who signs in as jane, jane@contractor.example); an administrator adds it ' +
        'to their User (kind: User, with its groups in spec.memberOf) in the organization data.',
    );
  });

  it('H2: refuses a sub two Users carry, and userinfo without a sub', async () => {
    await expect(
      resolve({ sub: 'twice' }, { twice: ['user:default/a', 'user:other/a'] })
        .result,
    ).rejects.toThrow(
      'More than one catalog User has the annotation maas.kuadrant.io/oidc-subject: "twice"',
    );
    await expect(
      resolve({ preferred_username: 'jane' }).result,
    ).rejects.toThrow(/sent no sub claim/);
  });

  describe('M0: the config it needs at start', () => {
    const production = (oidc: object, session?: string) =>
      new ConfigReader({
        auth: {
          environment: 'production',
          ...(session ? { session: { secret: session } } : {}),
          providers: { oidc: { production: oidc } },
        },
      });

    it('names every missing key and the variable that sets it', () => {
      expect(() => checkOidcSignInConfig(production({}))).toThrow(
        'OIDC sign-in is configured (auth.providers.oidc) but auth.providers.oidc.production.metadataUrl, ' +
          'auth.providers.oidc.production.clientId, auth.providers.oidc.production.clientSecret, ' +
          'auth.session.secret are not set: set MAAS_OIDC_ISSUER, MAAS_OIDC_CLIENT_ID, ' +
          "MAAS_OIDC_CLIENT_SECRET, MAAS_AUTH_SESSION_SECRET in the backend's environment (see the README, Production).",
      );
      expect(() =>
        checkOidcSignInConfig(
          production(
            {
              metadataUrl:
                'https://sso.example.com/.well-known/openid-configuration',
              clientId: 'portal',
            },
            'secret',
          ),
        ),
      ).toThrow(
        'but auth.providers.oidc.production.clientSecret is not set: set MAAS_OIDC_CLIENT_SECRET',
      );
    });

    it('M2: refuses an issuer that is not https, or that carries shell characters', () => {
      const withIssuer = (issuer: string) =>
        production(
          {
            metadataUrl: `${issuer}/.well-known/openid-configuration`,
            clientId: 'portal',
            clientSecret: 's',
          },
          'secret',
        );
      expect(() =>
        checkOidcSignInConfig(withIssuer('http://sso.example.com')),
      ).toThrow(
        'auth.providers.oidc.production.metadataUrl (MAAS_OIDC_ISSUER): "http://sso.example.com" uses http; ' +
          'an issuer URL uses https (http only on 127.0.0.1 or localhost, for a test bed)',
      );
      expect(() =>
        checkOidcSignInConfig(withIssuer('https://sso.example.com/$(id)')),
      ).toThrow(
        /has characters an issuer URL cannot have \("\$", "\(", "\)"\)/,
      );
      expect(
        checkOidcSignInConfig(withIssuer('https://sso.example.com/realms/m')),
      ).toBe('https://sso.example.com/realms/m');
    });

    it('asks nothing of a portal without OIDC sign-in', () => {
      expect(checkOidcSignInConfig(new ConfigReader({}))).toBeUndefined();
    });
  });
});
