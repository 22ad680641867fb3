import { UsageRange } from '@maas-portal/plugin-maas-common';
import { useMaasRead } from './useMaasRead';

/** A model's usage over a range; `scope` left out lets the backend choose by permission. */
export function useUsage(
  entityRef: string,
  range: UsageRange,
  scope?: 'user' | 'all',
) {
  return useMaasRead(
    api => api.getModelUsage({ entityRef, range, scope }),
    [entityRef, range, scope],
  );
}
