import type { AuthPolicy } from '@maas-portal/plugin-maas-node';
import { authModeOf, oidcIssuerOf } from './readModelObjects';

const policy = (authentication: Record<string, unknown>, where = 'rules') =>
  ({
    spec:
      where === 'rules'
        ? { rules: { authentication } }
        : { [where]: { rules: { authentication } } },
  } as unknown as AuthPolicy);

describe('what the Usage tab learns from a model AuthPolicy', () => {
  const jwt = { jwt: { issuerUrl: 'https://sso.example.com/realms/maas' } };

  it('gives the issuer of an OIDC model, in rules or in defaults', () => {
    expect(oidcIssuerOf([policy({ 'oidc-users': jwt })])).toBe(
      'https://sso.example.com/realms/maas',
    );
    expect(oidcIssuerOf([policy({ 'oidc-users': jwt }, 'defaults')])).toBe(
      'https://sso.example.com/realms/maas',
    );
    expect(authModeOf([policy({ 'oidc-users': jwt })])).toBe('oidc');
  });

  it('gives no issuer for an API-key model, a jwksUrl-only policy, or none', () => {
    expect(
      oidcIssuerOf([policy({ keys: { apiKey: { selector: {} } } })]),
    ).toBeUndefined();
    expect(
      oidcIssuerOf([policy({ j: { jwt: { jwksUrl: 'https://x/jwks' } } })]),
    ).toBeUndefined();
    expect(oidcIssuerOf([])).toBeUndefined();
  });
});
