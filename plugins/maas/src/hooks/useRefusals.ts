import { UsageRange } from '@maas-portal/plugin-maas-common';
import { useMaasRead } from './useMaasRead';

/** Which limits refused calls to a model over a range: one's own, or everyone's (`all`). */
export function useRefusals(
  entityRef: string,
  range: UsageRange,
  scope: 'user' | 'all',
) {
  return useMaasRead(
    async api => api.getModelRefusals({ entityRef, range, scope }),
    [entityRef, range, scope],
  );
}
