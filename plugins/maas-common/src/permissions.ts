import {
  BasicPermission,
  createPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';

/**
 * The suite's permissions. Those about one model are resource permissions on the model's catalog
 * entity, so that a permission policy can decide per model (its owner, a group, ...).
 *
 * @public
 */
export type CatalogEntityPermission = ResourcePermission<'catalog-entity'>;

const onEntity = (
  name: string,
  action: 'read' | 'create' | 'update' | 'delete',
) =>
  createPermission({
    name,
    attributes: { action },
    resourceType: 'catalog-entity',
  }) as CatalogEntityPermission;

/**
 * List every model the cluster serves (the InferenceServices), entity or not.
 *
 * @public
 */
export const maasModelListPermission = createPermission({
  name: 'maas.model.list',
  attributes: { action: 'read' },
});

/**
 * See a model's health, endpoint, tiers and one's own usage.
 *
 * @public
 */
export const maasModelReadPermission = onEntity('maas.model.read', 'read');
/**
 * Ask for an API key for a model.
 *
 * @public
 */
export const maasKeyRequestPermission = onEntity('maas.key.request', 'create');
/**
 * See every user's keys and key requests of a model (one's own are always visible).
 *
 * @public
 */
export const maasKeyReadPermission = onEntity('maas.key.read', 'read');
/**
 * Approve or reject key requests for a model.
 *
 * @public
 */
export const maasKeyApprovePermission = onEntity('maas.key.approve', 'update');
/**
 * Revoke anybody's key of a model (one's own can always be revoked).
 *
 * @public
 */
export const maasKeyRevokePermission = onEntity('maas.key.revoke', 'delete');

/**
 * See every user's usage of a model (top users), not only one's own.
 *
 * @public
 */
export const maasUsageReadAllPermission = onEntity(
  'maas.usage.read-all',
  'read',
);

/**
 * Create a model (the "Create model" template's actions); where and what is limited by `maas.create.*`.
 *
 * @public
 */
export const maasModelCreatePermission = createPermission({
  name: 'maas.model.create',
  attributes: { action: 'create' },
});

/**
 * Read the audit history of key changes.
 *
 * @public
 */
export const maasAuditReadPermission = createPermission({
  name: 'maas.audit.read',
  attributes: { action: 'read' },
});

/**
 * See usage and cost of every user, catalog Group and System (showback). Without it a team lead
 * still sees the groups they lead (the Group annotation `maas.kuadrant.io/team-leads`).
 *
 * @public
 */
export const maasCostsReadPermission = createPermission({
  name: 'maas.costs.read',
  attributes: { action: 'read' },
});

/**
 * Every permission of the suite, as the backend plugin registers them. Typed, not inferred: the
 * order TypeScript gives an inferred union varies between compiler versions, and the API report
 * would change with it.
 *
 * @public
 */
export const maasPermissions: Array<BasicPermission | CatalogEntityPermission> =
  [
    maasModelListPermission,
    maasModelReadPermission,
    maasModelCreatePermission,
    maasKeyRequestPermission,
    maasKeyReadPermission,
    maasKeyApprovePermission,
    maasKeyRevokePermission,
    maasUsageReadAllPermission,
    maasAuditReadPermission,
    maasCostsReadPermission,
  ];
