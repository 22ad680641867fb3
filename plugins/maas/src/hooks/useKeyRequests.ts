import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { KeyRequestQuery, maasApiRef } from '../api/MaasApi';

/** Key requests, filtered by model, state and owner on the backend. */
export function useKeyRequests(query: KeyRequestQuery) {
  const api = useApi(maasApiRef);
  const { entityRef, state, mine } = query;
  return useAsyncRetry(
    () => api.listKeyRequests({ entityRef, state, mine }),
    [api, entityRef, state, mine],
  );
}
