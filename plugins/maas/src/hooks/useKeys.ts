import { KeyQuery } from '../api/MaasApi';
import { useMaasPages } from './useMaasPages';

/** API keys, page by page (`more`); `{ mine: true }` for the signed-in user's own. */
export function useKeys(query: KeyQuery) {
  const { entityRef, mine } = query;
  return useMaasPages(
    (api, cursor) =>
      api.listKeys(cursor ? { entityRef, mine, cursor } : { entityRef, mine }),
    [entityRef, mine],
  );
}
