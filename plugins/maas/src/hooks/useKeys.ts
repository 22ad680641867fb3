import { KeyQuery } from '../api/MaasApi';
import { useMaasRead } from './useMaasRead';

/** API keys; `{ mine: true }` for the signed-in user's own. */
export function useKeys(query: KeyQuery) {
  const { entityRef, mine } = query;
  return useMaasRead(
    api => api.listKeys({ entityRef, mine }),
    [entityRef, mine],
  );
}
