/* The three users of this package's permission tests (STYLE: never one guest for all), and the example policy. */
import {
  BackstageCredentials,
  BackstageUserPrincipal,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  isPortalAdmin,
  portalPolicyHolders,
} from '@maas-portal/plugin-maas-node';

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
 * The example policy's own rules (`portalPolicyHolders`, the table packages/backend's
 * MaasPermissionPolicy decides by) with the catalog's part done here: `entityOwners` (entity ref
 * -> owning group) stands for the catalog's `isEntityOwner` condition on the entity asked about.
 * Admins are the members of ADMIN_GROUP, as `maas.adminGroups` says by default.
 */
export const examplePolicy =
  (entityOwners: Record<string, string>): PermissionsService['authorize'] =>
  async (requests, options) => {
    const user = (
      options?.credentials as BackstageCredentials<BackstageUserPrincipal>
    ).principal.userEntityRef;
    const ownership = ownershipOf(user);
    const isAdmin = isPortalAdmin(ownership, [ADMIN_GROUP]);
    return requests.map(r => {
      const holders = portalPolicyHolders(r.permission);
      const owner = entityOwners[(r as { resourceRef?: string }).resourceRef!];
      const allowed =
        holders === 'everyone' ||
        isAdmin ||
        (holders === 'owners' &&
          owner !== undefined &&
          ownership.includes(owner));
      return {
        result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
      };
    });
  };

/**
 * The features that sign the three users in under the example policy: the permissions service
 * deciding as `examplePolicy(entityOwners)`, and the users' groups from `ownershipOf`.
 */
export const examplePolicyUsers = (entityOwners: Record<string, string>) => [
  mockServices.permissions.mock({
    authorize: examplePolicy(entityOwners),
  }).factory,
  usersInfo().factory,
];

/** The header that signs a supertest request in as `user`. */
export const as = (user: string) => ({
  Authorization: mockCredentials.user.header(user),
});
