/*
 * The people of the harness's OpenID Connect provider: the three users of the suite's permission tests
 * (plugins/maas-backend/src/__testUtils__/testUsers.ts), with the `groups` and `tier` claims the seed's
 * Keycloak realm gives (group membership, and the tier as a list, as its attribute mapper does).
 */

export interface OidcUser {
  /** Login name, `sub` and `preferred_username`; also the catalog User's name (`user:default/<username>`). */
  username: string;
  password: string;
  name: string;
  email: string;
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
  password: OIDC_DEMO_PASSWORD,
  name,
  email: `${username}@example.com`,
  groups: [team, `${tier}-users`],
  tier: [tier],
});

/** Jane (developer, team A, premium), Bob (developer, team B, free), Ops (platform admin, enterprise). */
export const OIDC_USERS: readonly OidcUser[] = [
  user('jane', 'Jane Doe', 'team-a', 'premium'),
  user('bob', 'Bob Builder', 'team-b', 'free'),
  user('ops', 'Olivia Ops', 'platform-team', 'enterprise'),
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
