import { AuditEvent } from '@maas-portal/plugin-maas-common';
import { KeyDatabase } from './store/KeyDatabase';
import { decodeAuditCursor, encodeAuditCursor, Page } from './store/paging';

/** The key flow's audit events as `GET /audit` pages them: newest first, older than a cursor. */
export class AuditLog {
  readonly #db: KeyDatabase;

  constructor(db: KeyDatabase) {
    this.#db = db;
  }

  async page(input: {
    entityRef?: string;
    limit: number;
    cursor?: string;
  }): Promise<Page<AuditEvent>> {
    const { limit, cursor } = input;
    // One row more than the page: whether there is a next page, without counting.
    const events = await this.#db.audit.list({
      entityRef: input.entityRef,
      beforeId: cursor === undefined ? undefined : decodeAuditCursor(cursor),
      limit: limit + 1,
    });
    const items = events.slice(0, limit);
    return {
      items,
      nextCursor:
        events.length > limit
          ? encodeAuditCursor(items[limit - 1].id)
          : undefined,
    };
  }
}
