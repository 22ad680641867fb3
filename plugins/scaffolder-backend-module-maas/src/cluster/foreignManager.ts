import { KubernetesObject } from '@kubernetes/client-node';
import {
  MAAS_FIELD_MANAGER,
  MAAS_KEY_LABELS,
} from '@maas-portal/plugin-maas-common';

/**
 * Who manages an existing object when the portal does not, or undefined when the portal does: the
 * portal's objects carry its managed-by label and its field manager's apply entry. The answer names
 * the other managers from `managedFields` (status writers left out) and the managed-by label.
 */
export function foreignManager(existing: KubernetesObject): string | undefined {
  const fields = existing.metadata?.managedFields ?? [];
  const label = existing.metadata?.labels?.[MAAS_KEY_LABELS.managedBy];
  const portalApplies = fields.some(
    f => f.manager === MAAS_FIELD_MANAGER && f.operation === 'Apply',
  );
  if (label === MAAS_FIELD_MANAGER && portalApplies) return undefined;
  const managers = [
    ...new Set(
      fields
        .filter(f => f.subresource !== 'status')
        .map(f => f.manager)
        .filter((m): m is string => !!m && m !== MAAS_FIELD_MANAGER),
    ),
  ];
  const by = [
    ...(managers.length ? [`field managers ${managers.join(', ')}`] : []),
    ...(label ? [`label ${MAAS_KEY_LABELS.managedBy}=${label}`] : []),
  ];
  return by.length ? by.join('; ') : 'no manager the portal knows';
}
