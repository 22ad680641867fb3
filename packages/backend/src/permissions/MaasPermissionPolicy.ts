import {
  AuthorizeResult,
  isPermission,
  isResourcePermission,
  Permission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  maasKeyRequestPermission,
  maasModelReadPermission,
  maasPermissions,
} from '@maas-portal/plugin-maas-common';

/** What every signed-in user may do with models: see them and ask for keys. */
const FOR_EVERYONE = [maasModelReadPermission, maasKeyRequestPermission];

const isOneOf = (permission: Permission, list: Permission[]) =>
  list.some(p => isPermission(permission, p));

/**
 * The portal's permission policy: everything outside the MaaS suite is allowed (as Backstage's
 * allow-all policy does); in the suite, everyone may see models and ask for keys; members of the
 * admin groups may do everything; a model's owners may approve, read and revoke keys of their own
 * models and see everyone's usage of them. Write your own for production: this is the shape.
 */
export class MaasPermissionPolicy implements PermissionPolicy {
  readonly #adminGroups: Set<string>;

  constructor(options: { adminGroups: string[] }) {
    this.#adminGroups = new Set(options.adminGroups);
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    if (!isOneOf(permission, maasPermissions))
      return { result: AuthorizeResult.ALLOW };
    if (isOneOf(permission, FOR_EVERYONE))
      return { result: AuthorizeResult.ALLOW };
    const claims = user?.info.ownershipEntityRefs ?? [];
    if (claims.some(ref => this.#adminGroups.has(ref)))
      return { result: AuthorizeResult.ALLOW };
    if (isResourcePermission(permission, 'catalog-entity')) {
      return createCatalogConditionalDecision(
        permission,
        catalogConditions.isEntityOwner({ claims }),
      );
    }
    return { result: AuthorizeResult.DENY };
  }
}
