import { signInProviders } from './SignInPage';
import { oidcAuthApiRef } from './oidcAuthApi';

describe('the sign-in choices', () => {
  it('is guest alone without app.signIn.providers (the zero-config demo)', () => {
    expect(signInProviders(undefined, undefined)).toEqual(['guest']);
  });

  it('offers the OIDC provider under its configured title, in the configured order', () => {
    expect(signInProviders(['oidc', 'guest'], 'Acme SSO')).toEqual([
      expect.objectContaining({
        id: 'oidc-auth-provider',
        title: 'Acme SSO',
        apiRef: oidcAuthApiRef,
      }),
      'guest',
    ]);
  });

  it('names a choice it does not know, and the ones it does', () => {
    expect(() => signInProviders(['github'], undefined)).toThrow(
      'app.signIn.providers: "github" is not a sign-in choice of this portal; use oidc or guest',
    );
  });
});
