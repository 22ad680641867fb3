import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  MAAS_TEAM_LEADS_ANNOTATION,
  maasCostsReadPermission,
  PageAccess,
} from '@maas-portal/plugin-maas-common';
import { PermissionGate } from '../permissions/PermissionGate';
import { teamLeadsOf } from './costDirectory';
import { REF_AND_ANNOTATIONS_FIELDS } from '../entities/catalogFields';

/**
 * Whether the Costs page holds anything for the caller, decided as `GET /costs` decides it:
 * maas.costs.read (everything), or a team lead of a Group the caller sees in the catalog (that
 * group's costs); anyone else gets a 403 there.
 */
export async function costsAccess(options: {
  gate: PermissionGate;
  catalog: CatalogService;
  credentials: BackstageCredentials;
  userRef: string;
}): Promise<PageAccess> {
  const { gate, catalog, credentials, userRef } = options;
  const readAll = await gate.decide(credentials, maasCostsReadPermission);
  if (readAll.allowed) {
    return {
      serves: true,
      reason: `You hold ${maasCostsReadPermission.name}: the costs of every user, group and system`,
    };
  }
  const { items } = await catalog.getEntities(
    {
      filter: { kind: 'group' },
      fields: REF_AND_ANNOTATIONS_FIELDS,
    },
    { credentials },
  );
  const led = items
    .filter(group => teamLeadsOf(group).includes(userRef))
    .map(group => stringifyEntityRef(group))
    .sort();
  return led.length > 0
    ? { serves: true, reason: `You lead ${led.join(', ')}: their costs` }
    : {
        serves: false,
        reason: `You lack ${maasCostsReadPermission.name} and lead no group (annotation ${MAAS_TEAM_LEADS_ANNOTATION})`,
      };
}
