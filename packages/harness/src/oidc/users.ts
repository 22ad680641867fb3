/*
 * The people of the harness's OpenID Connect provider: the three users of the suite's permission tests
 * (plugins/maas-backend/src/__testUtils__/testUsers.ts), with the `groups` and `tier` claims the seed's
 * Keycloak realm gives (group membership, and the tier as a list, as its attribute mapper does); and
 * accounts whose names or emails imitate them or the dev guest, for the sign-in's trust tests
 * (packages/backend/src/productionSignIn.cluster.test.ts).
 */

export interface OidcUser {
  /** Login name and `sub` (the catalog User's maas.kuadrant.io/oidc-subject). */
  username: string;
  /** The `preferred_username` claim: the login name, or a name another person has. */
  preferredUsername: string;
  password: string;
  name: string;
  email: string;
  emailVerified: boolean;
  /** Catalog groups and the seed's tier group (`<tier>-users`). */
  groups: string[];
  tier: string[];
}

/** The seed's demo password, as its Keycloak realm has it: a test bed on 127.0.0.1, never a real account. */
export const OIDC_DEMO_PASSWORD = 'password123';

const user = (
  username: string,
  name: string,
  team: string,
  tier: string,
): OidcUser => ({
  username,
  preferredUsername: username,
  password: OIDC_DEMO_PASSWORD,
  name,
  email: `${username}@example.com`,
  emailVerified: true,
  groups: [team, `${tier}-users`],
  tier: [tier],
});

/** An account that presents itself as someone else: its own `sub`, another's name or email. */
const lookalike = (
  username: string,
  name: string,
  claims: { preferredUsername: string; email: string; emailVerified: boolean },
): OidcUser => ({
  ...user(username, name, 'outsiders', 'free'),
  ...claims,
});

/**
 * Jane (developer, team A, premium), Bob (developer, team B, free), Ops (platform admin, enterprise);
 * then the look-alikes: an account named `guest` (the dev portal's admin identity), one with jane's
 * user name at another domain, one with ops's email unverified, and a second jane whose catalog User
 * is in another namespace (`user:partners/jane`).
 */
export const OIDC_USERS: readonly OidcUser[] = [
  user('jane', 'Jane Doe', 'team-a', 'premium'),
  user('bob', 'Bob Builder', 'team-b', 'free'),
  user('ops', 'Olivia Ops', 'platform-team', 'enterprise'),
  lookalike('guest', 'Guest Account', {
    preferredUsername: 'guest',
    email: 'guest@example.com',
    emailVerified: true,
  }),
  lookalike('jane-contractor', 'Jane Contractor', {
    preferredUsername: 'jane',
    email: 'jane@contractor.example',
    emailVerified: true,
  }),
  lookalike('olivia-unverified', 'Olivia Unverified', {
    preferredUsername: 'olivia',
    email: 'ops@example.com',
    emailVerified: false,
  }),
  lookalike('partner-jane', 'Jane Partner', {
    preferredUsername: 'jane',
    email: 'jane@partner.example',
    emailVerified: true,
  }),
];

export function oidcUser(username: string): OidcUser {
  const found = OIDC_USERS.find(u => u.username === username);
  if (!found) {
    throw new Error(
      `no user "${username}" in the harness's OIDC provider; its users are ${OIDC_USERS.map(
        u => u.username,
      ).join(', ')}`,
    );
  }
  return found;
}
