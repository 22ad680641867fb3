import { Knex } from 'knex';
import type { ListCursor } from './paging';

/** A timestamp column as Knex returns it: Date on PostgreSQL, epoch milliseconds on SQLite. */
export type Timestamp = Date | string | number | null | undefined;

export function iso(value: Timestamp): string | undefined {
  if (value === null || value === undefined) return undefined;
  return new Date(value as string | number | Date).toISOString();
}

export const orUndefined = <T>(value: T | null | undefined): T | undefined =>
  value === null ? undefined : value;

export const dateOrNull = (value: string | undefined) =>
  value ? new Date(value) : null;

/** Whose and for which model entity: the filter requests and keys are listed by; a page of it. */
export interface OwnerFilter {
  userEntityRef?: string;
  entityRef?: string;
  /** Only rows after this one in the list's order. */
  after?: ListCursor;
  limit?: number;
}

/**
 * Newest first (ties by id), narrowed to an owner and an entity where the filter names them, and
 * to the rows after a cursor: the `(owner|entity|state, created_at)` indexes serve it.
 */
export function newestOf<Q extends Knex.QueryBuilder>(
  query: Q,
  filter: OwnerFilter,
): Q {
  query.orderBy('created_at', 'desc').orderBy('id');
  if (filter.userEntityRef)
    query.where('user_entity_ref', filter.userEntityRef);
  if (filter.entityRef) query.where('entity_ref', filter.entityRef);
  const { after } = filter;
  if (after) {
    const at = new Date(after.createdAt);
    query.where(q =>
      q
        .where('created_at', '<', at)
        .orWhere(same =>
          same.where('created_at', at).where('id', '>', after.id),
        ),
    );
  }
  if (filter.limit !== undefined) query.limit(filter.limit);
  return query;
}
