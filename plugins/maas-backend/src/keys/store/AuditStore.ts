import { AuditEvent } from '@maas-portal/plugin-maas-common';
import { Knex } from 'knex';
import { iso, orUndefined, Timestamp } from './columns';

const TABLE = 'maas_audit_events';

export type NewAuditEvent = Omit<AuditEvent, 'id' | 'at'> & { at?: Date };

export interface AuditFilter {
  entityRef?: string;
  subjectId?: string;
  /** Only events older than this one (a page's cursor). */
  beforeId?: number;
  limit: number;
}

interface AuditRow {
  id: number | string;
  at: Timestamp;
  actor: string;
  action: string;
  subject_type: string;
  subject_id: string;
  entity_ref: string;
  from_state: string | null;
  to_state: string | null;
  details: string | null;
}

function toAudit(row: AuditRow): AuditEvent {
  return {
    id: Number(row.id),
    at: iso(row.at)!,
    actor: row.actor,
    action: row.action,
    subject: {
      type: row.subject_type as AuditEvent['subject']['type'],
      id: row.subject_id,
    },
    entityRef: row.entity_ref,
    fromState: orUndefined(row.from_state),
    toState: orUndefined(row.to_state),
    details: row.details ? JSON.parse(row.details) : undefined,
  };
}

/** The `maas_audit_events` table: append-only, read newest first. */
export class AuditStore {
  readonly #db: Knex | Knex.Transaction;

  constructor(db: Knex | Knex.Transaction) {
    this.#db = db;
  }

  async add(event: NewAuditEvent): Promise<void> {
    await this.#db<AuditRow>(TABLE).insert({
      at: event.at ?? new Date(),
      actor: event.actor,
      action: event.action,
      subject_type: event.subject.type,
      subject_id: event.subject.id,
      entity_ref: event.entityRef,
      from_state: event.fromState ?? null,
      to_state: event.toState ?? null,
      details: event.details ? JSON.stringify(event.details) : null,
    });
  }

  async list(filter: AuditFilter): Promise<AuditEvent[]> {
    const query = this.#db<AuditRow>(TABLE)
      .orderBy('id', 'desc')
      .limit(filter.limit);
    if (filter.entityRef) query.where('entity_ref', filter.entityRef);
    if (filter.subjectId) query.where('subject_id', filter.subjectId);
    if (filter.beforeId !== undefined) query.where('id', '<', filter.beforeId);
    return (await query).map(toAudit);
  }
}
