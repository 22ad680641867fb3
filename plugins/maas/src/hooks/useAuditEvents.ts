import { AuditQuery } from '../api/MaasApi';
import { useMaasRead } from './useMaasRead';

/** The audit history of key changes, newest first as the backend sends it. */
export function useAuditEvents(query: AuditQuery) {
  const { entityRef, limit } = query;
  return useMaasRead(
    api => api.listAuditEvents({ entityRef, limit }),
    [entityRef, limit],
  );
}
