import { KeyRequestQuery } from '../api/MaasApi';
import { useMaasPages } from './useMaasPages';

/** Key requests, filtered by model, state and owner on the backend, page by page (`more`). */
export function useKeyRequests(query: KeyRequestQuery) {
  const { entityRef, state, mine } = query;
  return useMaasPages(
    (api, cursor) =>
      api.listKeyRequests(
        cursor
          ? { entityRef, state, mine, cursor }
          : { entityRef, state, mine },
      ),
    [entityRef, state, mine],
  );
}
