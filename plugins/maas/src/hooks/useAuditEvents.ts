import { AuditQuery } from '../api/MaasApi';
import { useMaasPages } from './useMaasPages';

/** The audit history of key changes, newest first as the backend sends it, page by page (`more`). */
export function useAuditEvents(query: AuditQuery) {
  const { entityRef, limit } = query;
  return useMaasPages(
    (api, cursor) =>
      api.listAuditEvents(
        cursor ? { entityRef, limit, cursor } : { entityRef, limit },
      ),
    [entityRef, limit],
  );
}
