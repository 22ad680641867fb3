import { useApi } from '@backstage/core-plugin-api';
import { UsageRange } from '@maas-portal/plugin-maas-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { maasApiRef } from '../api/MaasApi';

/** A model's usage over a range; `scope` left out lets the backend choose by permission. */
export function useUsage(
  entityRef: string,
  range: UsageRange,
  scope?: 'user' | 'all',
) {
  const api = useApi(maasApiRef);
  return useAsyncRetry(
    () => api.getModelUsage({ entityRef, range, scope }),
    [api, entityRef, range, scope],
  );
}
