import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { AuditQuery, maasApiRef } from '../api/MaasApi';

/** The audit history of key changes, newest first as the backend sends it. */
export function useAuditEvents(query: AuditQuery) {
  const api = useApi(maasApiRef);
  const { entityRef, limit } = query;
  return useAsyncRetry(
    () => api.listAuditEvents({ entityRef, limit }),
    [api, entityRef, limit],
  );
}
