import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { KeyQuery, maasApiRef } from '../api/MaasApi';

/** API keys; `{ mine: true }` for the signed-in user's own. */
export function useKeys(query: KeyQuery) {
  const api = useApi(maasApiRef);
  const { entityRef, mine } = query;
  return useAsyncRetry(
    () => api.listKeys({ entityRef, mine }),
    [api, entityRef, mine],
  );
}
