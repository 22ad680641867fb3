import {
  maasKeyRequestPermission,
  maasModelReadPermission,
  maasPermissions,
} from '@maas-portal/plugin-maas-common';

/**
 * Who holds a permission under the portal's example policy: `everyone` signed in, `admins`
 * (members of `maas.adminGroups`), or `owners` (admins, and the owners of the catalog entity the
 * permission is asked on).
 *
 * @public
 */
export type PolicyHolders = 'everyone' | 'admins' | 'owners';

/**
 * Backstage permissions outside the suite that only admins get, by name (this library does not
 * depend on the plugins that define them). The Kubernetes proxy runs any API-server call with the
 * portal's service account (it could read key Secrets); registering a catalog location puts
 * entities, and so ownership claims, into the catalog; unregistering one deletes every entity it
 * brought, whoever owns them (a Location has no owner to ask).
 */
const ADMINS_ONLY = new Set([
  'kubernetes.proxy',
  'catalog.location.create',
  'catalog.location.delete',
]);

/** Backstage permissions outside the suite for admins and the entity's owners. */
const OWNERS_ONLY = new Set(['catalog.entity.delete']);

/** What every signed-in user may do with models: see them and ask for keys. */
const FOR_EVERYONE = new Set([
  maasModelReadPermission.name,
  maasKeyRequestPermission.name,
]);

const SUITE = new Set(maasPermissions.map(p => p.name));

/**
 * The example policy's decision table, the one home of its rules: the policy that
 * `packages/backend` installs decides by it, and so do the backend plugins' tests, so that a test
 * fails when the rules change. Least privilege where it matters: the proxy and catalog locations
 * for admins; deleting an entity for admins and its owners; everything else outside the suite
 * allowed (as Backstage's allow-all policy does); in the suite, everyone sees models and asks for
 * keys, the rest about one model is for admins and its owners, and the rest for admins.
 *
 * @public
 */
export function portalPolicyHolders(permission: {
  name: string;
  resourceType?: string;
}): PolicyHolders {
  const { name } = permission;
  if (ADMINS_ONLY.has(name)) return 'admins';
  if (OWNERS_ONLY.has(name)) return 'owners';
  if (!SUITE.has(name) || FOR_EVERYONE.has(name)) return 'everyone';
  return permission.resourceType === 'catalog-entity' ? 'owners' : 'admins';
}

/**
 * Whether a user (their ownership refs: the user and their groups) is in `maas.adminGroups`.
 *
 * @public
 */
export const isPortalAdmin = (
  ownershipEntityRefs: string[],
  adminGroups: Iterable<string>,
) => {
  const admins = new Set(adminGroups);
  return ownershipEntityRefs.some(ref => admins.has(ref));
};
