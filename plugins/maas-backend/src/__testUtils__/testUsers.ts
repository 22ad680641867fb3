/* The three users of this package's permission tests (STYLE: never one guest for all), and the example policy. */
import {
  BackstageCredentials,
  BackstageUserPrincipal,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';

export const TEAM_A = 'group:default/team-a';
export const TEAM_B = 'group:default/team-b';
/** In the default maas.adminGroups. */
export const ADMIN_GROUP = 'group:default/platform-team';

/** Jane, a developer of team A (which owns the model under test). */
export const DEV_A = 'user:default/jane';
/** Bob, a developer of team B. */
export const DEV_B = 'user:default/bob';
/** An admin. */
export const ADMIN = 'user:default/ops';

const GROUPS: Record<string, string[]> = {
  [DEV_A]: [TEAM_A],
  [DEV_B]: [TEAM_B],
  [ADMIN]: [ADMIN_GROUP],
};

/** The user and its groups; a user not of the three is in no group. */
export const ownershipOf = (user: string) => [user, ...(GROUPS[user] ?? [])];

/** Backstage's userInfo service answering with `ownershipOf`. */
export const usersInfo = () =>
  mockServices.userInfo.mock({
    getUserInfo: async credentials => {
      const user = (credentials.principal as { userEntityRef: string })
        .userEntityRef;
      return { userEntityRef: user, ownershipEntityRefs: ownershipOf(user) };
    },
  });

/**
 * As the example policy: admins everything; the owning group of an entity (`entityOwners`: entity
 * ref -> group) its resource permissions; everyone the permissions named in `everyone`.
 */
export const examplePolicy =
  (
    entityOwners: Record<string, string>,
    everyone: string[],
  ): PermissionsService['authorize'] =>
  async (requests, options) => {
    const user = (
      options?.credentials as BackstageCredentials<BackstageUserPrincipal>
    ).principal.userEntityRef;
    return requests.map(r => {
      const owner = entityOwners[(r as { resourceRef?: string }).resourceRef!];
      return {
        result:
          user === ADMIN ||
          everyone.includes(r.permission.name) ||
          (owner !== undefined && ownershipOf(user).includes(owner))
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
      };
    });
  };

/** What every signed-in user may do under the example policy in this package's HTTP tests. */
export const EVERYONE_MAY = ['maas.key.request', 'maas.model.read'];

/**
 * The features that sign the three users in under the example policy: the permissions service
 * deciding as `examplePolicy(entityOwners, everyone)`, and the users' groups from `ownershipOf`.
 */
export const examplePolicyUsers = (
  entityOwners: Record<string, string>,
  everyone: string[] = EVERYONE_MAY,
) => [
  mockServices.permissions.mock({
    authorize: examplePolicy(entityOwners, everyone),
  }).factory,
  usersInfo().factory,
];

/** The header that signs a supertest request in as `user`. */
export const as = (user: string) => ({
  Authorization: mockCredentials.user.header(user),
});
