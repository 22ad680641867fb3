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
import {
  isPortalAdmin,
  portalPolicyHolders,
} from '@maas-portal/plugin-maas-node';

/**
 * The portal's permission policy, least privilege by default. Who holds what is the decision
 * table `portalPolicyHolders` (plugins/maas-node), shared with the backend plugins' tests so that
 * they run the same rules: the Kubernetes proxy and catalog locations (registering and
 * unregistering) for admins only; deleting a catalog entity for admins and its owners; the rest
 * of Backstage allowed; in the suite, everyone may see models and ask for keys, a model's owners
 * may approve, read and revoke keys of their own models and see everyone's usage of them, the
 * rest (costs, audit, every model, Create model) for admins. Members of `maas.adminGroups` are
 * admins. The root README has the table. Write your own for production: this is the shape.
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
    const claims = user?.info.ownershipEntityRefs ?? [];
    const holders = portalPolicyHolders(permission);
    if (holders === 'everyone' || isPortalAdmin(claims, this.#adminGroups))
      return { result: AuthorizeResult.ALLOW };
    // The owners of the entity asked about: the catalog checks the condition on that entity.
    if (
      holders === 'owners' &&
      isResourcePermission(permission, 'catalog-entity')
    ) {
      return createCatalogConditionalDecision(
        permission,
        catalogConditions.isEntityOwner({ claims }),
      );
    }
    return { result: AuthorizeResult.DENY };
  }
}
