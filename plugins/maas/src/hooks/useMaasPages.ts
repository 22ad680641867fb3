import { useApi } from '@backstage/core-plugin-api';
import { DependencyList, useState } from 'react';
import { MaasApi, maasApiRef, Page } from '../api/MaasApi';
import { useMaasRead } from './useMaasRead';

/** The next page of a list the backend pages, for a "Load more" button. */
export interface MorePages {
  /** Reads the next page and appends its rows. */
  load(): void;
  loading: boolean;
  /** Why the last attempt failed; `load()` tries again. */
  error?: Error;
}

interface Loaded<T> {
  /** The first page these rows follow: a new first page (other filters, a reload) starts over. */
  first?: Page<T>;
  rows: T[];
  cursor?: string;
  loading: boolean;
  error?: Error;
}

/**
 * A list the backend pages: the first page as {@link useMaasRead} reads it (again when one of
 * `inputs` changes, or on `retry()`), the pages loaded since, and `more` while there is a next
 * page. `read(api)` asks for the first page, `read(api, cursor)` for the one at `cursor`.
 */
export function useMaasPages<T>(
  read: (api: MaasApi, cursor?: string) => Promise<Page<T>>,
  inputs: DependencyList,
) {
  const api = useApi(maasApiRef);
  const firstPage = useMaasRead(a => read(a), inputs);
  const first = firstPage.value;
  const [loaded, setLoaded] = useState<Loaded<T>>({ rows: [], loading: false });
  const current: Loaded<T> =
    loaded.first === first && first
      ? loaded
      : { first, rows: [], cursor: first?.nextCursor, loading: false };

  const load = () => {
    const from = current;
    if (!from.cursor || from.loading) return;
    setLoaded({ ...from, loading: true, error: undefined });
    read(api, from.cursor).then(
      page =>
        setLoaded(now =>
          now.first !== from.first
            ? now
            : {
                first: from.first,
                rows: [...from.rows, ...page],
                cursor: page.nextCursor,
                loading: false,
              },
        ),
      error =>
        setLoaded(now =>
          now.first !== from.first ? now : { ...from, loading: false, error },
        ),
    );
  };

  const more: MorePages | undefined = current.cursor
    ? { load, loading: current.loading, error: current.error }
    : undefined;
  return {
    ...firstPage,
    value: first ? [...first, ...current.rows] : undefined,
    more,
  };
}
