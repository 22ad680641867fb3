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
import { catalogLocationCreatePermission } from '@backstage/plugin-catalog-common/alpha';
import { kubernetesProxyPermission } from '@backstage/plugin-kubernetes-common';
import {
  maasKeyRequestPermission,
  maasModelReadPermission,
  maasPermissions,
} from '@maas-portal/plugin-maas-common';

/** What every signed-in user may do with models: see them and ask for keys. */
const FOR_EVERYONE = [maasModelReadPermission, maasKeyRequestPermission];

/**
 * Backstage permissions outside the suite that only admins get. The Kubernetes proxy runs any
 * API-server call with the portal's service account (it could read key Secrets); registering a
 * catalog location lets anyone put entities, and so ownership claims, into the catalog.
 */
const ADMINS_ONLY = [
  kubernetesProxyPermission,
  catalogLocationCreatePermission,
];

const isOneOf = (permission: Permission, list: Permission[]) =>
  list.some(p => isPermission(permission, p));

/**
 * The portal's permission policy, least privilege by default: the Kubernetes proxy and catalog
 * location creation are for admins only; everything else outside the MaaS suite is allowed (as
 * Backstage's allow-all policy does); in the suite, everyone may see models and ask for keys;
 * members of the admin groups may do everything; a model's owners may approve, read and revoke
 * keys of their own models and see everyone's usage of them. maas.costs.read (every team's
 * costs) is for admins: team leads see their own groups' costs without it, as the Group's
 * maas.kuadrant.io/team-leads annotation says. The root README has the table.
 * Write your own for production: this is the shape.
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
    const isAdmin = claims.some(ref => this.#adminGroups.has(ref));
    if (isOneOf(permission, ADMINS_ONLY))
      return { result: isAdmin ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
    if (!isOneOf(permission, maasPermissions))
      return { result: AuthorizeResult.ALLOW };
    if (isOneOf(permission, FOR_EVERYONE))
      return { result: AuthorizeResult.ALLOW };
    if (isAdmin) return { result: AuthorizeResult.ALLOW };
    if (isResourcePermission(permission, 'catalog-entity')) {
      return createCatalogConditionalDecision(
        permission,
        catalogConditions.isEntityOwner({ claims }),
      );
    }
    return { result: AuthorizeResult.DENY };
  }
}
