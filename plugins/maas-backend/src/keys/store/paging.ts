import { InputError } from '@backstage/errors';

/** Where a newest-first list of requests or keys goes on: after this row (created_at desc, id asc). */
export interface ListCursor {
  createdAt: string;
  id: string;
}

/** One page a list route answers: its rows, and where the next page starts when there is one. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** Rows a page holds when the caller names no `limit`, and at most. */
export const PAGE_LIMITS = { default: 100, max: 500 } as const;

/** Rows read per round while a page is filled from rows the caller may not all see. */
const SCAN_BATCH = 200;
/**
 * Rows read for one page at most: a caller who may see few of many rows gets a shorter page
 * (even an empty one) with a cursor to go on, instead of one request reading the whole table.
 */
const SCAN_BUDGET = 2_000;

const badCursor = (name: string) =>
  new InputError(
    `${name} is not a cursor this list gave (X-Next-Cursor); ask for the first page without it`,
  );

const encode = (value: unknown) =>
  Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

function decode(value: string, name: string): unknown {
  try {
    return JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    throw badCursor(name);
  }
}

export const encodeListCursor = (cursor: ListCursor) =>
  encode([cursor.createdAt, cursor.id]);

export function decodeListCursor(value: string, name = 'cursor'): ListCursor {
  const parsed = decode(value, name);
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    typeof parsed[0] !== 'string' ||
    typeof parsed[1] !== 'string' ||
    Number.isNaN(Date.parse(parsed[0]))
  )
    throw badCursor(name);
  return { createdAt: new Date(parsed[0]).toISOString(), id: parsed[1] };
}

/** The audit trail goes newest first by id: its cursor is the last id shown. */
export const encodeAuditCursor = (id: number) => encode(id);

export function decodeAuditCursor(value: string, name = 'cursor'): number {
  const parsed = decode(value, name);
  if (!Number.isSafeInteger(parsed) || (parsed as number) < 1)
    throw badCursor(name);
  return parsed as number;
}

/**
 * Fills a page of up to `limit` rows that `visible` lets through, reading newest-first rows
 * after `after` in batches, within a read budget. The cursor names the last row read, so
 * that the next page neither repeats nor skips a row, whatever was filtered out.
 */
export async function fillPage<
  T extends ListCursor,
  U extends ListCursor,
>(options: {
  limit: number;
  after?: ListCursor;
  read: (after: ListCursor | undefined, limit: number) => Promise<T[]>;
  visible: (rows: T[]) => Promise<U[]>;
}): Promise<Page<U>> {
  const { limit } = options;
  const items: U[] = [];
  let after = options.after;
  let scanned = 0;
  for (;;) {
    const batch = Math.max(limit + 1, SCAN_BATCH);
    const rows = await options.read(after, batch);
    scanned += rows.length;
    const shown = await options.visible(rows);
    for (const item of shown) {
      if (items.length === limit)
        return { items, nextCursor: encodeListCursor(items[limit - 1]) };
      items.push(item);
    }
    if (rows.length < batch) return { items };
    const last = rows[rows.length - 1];
    after = { createdAt: last.createdAt, id: last.id };
    if (scanned >= SCAN_BUDGET)
      return { items, nextCursor: encodeListCursor(after) };
  }
}
