import {
  AuthorizeResult,
  isResourcePermission,
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

/** What every signed-in user may do with models: see them and ask for keys. */
const FOR_EVERYONE = new Set(['maas.model.read', 'maas.key.request']);

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
    const name = request.permission.name;
    if (!name.startsWith('maas.')) return { result: AuthorizeResult.ALLOW };
    if (FOR_EVERYONE.has(name)) return { result: AuthorizeResult.ALLOW };
    const claims = user?.info.ownershipEntityRefs ?? [];
    if (claims.some(ref => this.#adminGroups.has(ref)))
      return { result: AuthorizeResult.ALLOW };
    if (isResourcePermission(request.permission, 'catalog-entity')) {
      return createCatalogConditionalDecision(
        request.permission,
        catalogConditions.isEntityOwner({ claims }),
      );
    }
    return { result: AuthorizeResult.DENY };
  }
}
