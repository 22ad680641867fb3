import { KeyRequestQuery } from '../api/MaasApi';
import { useMaasRead } from './useMaasRead';

/** Key requests, filtered by model, state and owner on the backend. */
export function useKeyRequests(query: KeyRequestQuery) {
  const { entityRef, state, mine } = query;
  return useMaasRead(
    api => api.listKeyRequests({ entityRef, state, mine }),
    [entityRef, state, mine],
  );
}
