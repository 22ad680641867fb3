import { KeyQuery } from '../api/MaasApi';
import { useMaasPages } from './useMaasPages';

/**
 * API keys, page by page (`more`); `{ mine: true }` for the signed-in user's own. Read again when
 * `refresh` changes (e.g. after a key was issued by another card of the page).
 */
export function useKeys(query: KeyQuery, refresh = 0) {
  const { entityRef, mine } = query;
  return useMaasPages(
    (api, cursor) =>
      api.listKeys(cursor ? { entityRef, mine, cursor } : { entityRef, mine }),
    [entityRef, mine, refresh],
  );
}
