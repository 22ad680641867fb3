import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  ApiKey,
  ApiKeyState,
  AuditEvent,
  KeyRequest,
  KeyRequestKind,
  KeyRequestState,
} from '@maas-portal/plugin-maas-common';
import { Knex } from 'knex';

const MIGRATIONS_DIR = resolvePackagePath(
  '@maas-portal/plugin-maas-backend',
  'migrations',
);

const REQUESTS = 'maas_key_requests';
const KEYS = 'maas_keys';
const AUDIT = 'maas_audit_events';

/** A key request as stored: the API shape plus what issuing needs. */
export interface StoredKeyRequest extends KeyRequest {
  expiresInDays?: number;
}

/** A key as stored: the API shape plus the hash and where its Secret is. */
export interface StoredKey extends ApiKey {
  requestId?: string;
  rotatedFrom?: string;
  hash: string;
  secretNamespace: string;
  secretName: string;
}

export type NewAuditEvent = Omit<AuditEvent, 'id' | 'at'> & { at?: Date };

export interface RequestFilter {
  userEntityRef?: string;
  entityRef?: string;
  state?: KeyRequestState;
}

export interface KeyFilter {
  userEntityRef?: string;
  entityRef?: string;
  states?: ApiKeyState[];
}

type Timestamp = Date | string | number | null | undefined;

/** Knex gives Date on PostgreSQL and epoch milliseconds on SQLite. */
function iso(value: Timestamp): string | undefined {
  if (value === null || value === undefined) return undefined;
  return new Date(value as string | number | Date).toISOString();
}

const orUndefined = <T>(value: T | null | undefined): T | undefined =>
  value === null ? undefined : value;

interface RequestRow {
  id: string;
  kind: string;
  entity_ref: string;
  model: string;
  user_entity_ref: string;
  tier: string;
  reason: string;
  state: string;
  key_id: string | null;
  expires_in_days: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  decided_by: string | null;
  decided_at: Timestamp;
  decision_comment: string | null;
}

interface KeyRow {
  id: string;
  request_id: string | null;
  rotated_from: string | null;
  entity_ref: string;
  model: string;
  user_entity_ref: string;
  tier: string;
  hash: string;
  display_prefix: string;
  state: string;
  secret_namespace: string;
  secret_name: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  expires_at: Timestamp;
  overlap_until: Timestamp;
  revoked_at: Timestamp;
  revoked_by: string | null;
  replaced_by: string | null;
  revealed_at: Timestamp;
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

function toRequest(row: RequestRow): StoredKeyRequest {
  return {
    id: row.id,
    kind: row.kind as KeyRequestKind,
    entityRef: row.entity_ref,
    model: row.model,
    userEntityRef: row.user_entity_ref,
    tier: row.tier,
    reason: row.reason,
    state: row.state as KeyRequestState,
    keyId: orUndefined(row.key_id),
    expiresInDays: orUndefined(row.expires_in_days),
    createdAt: iso(row.created_at)!,
    decidedBy: orUndefined(row.decided_by),
    decidedAt: iso(row.decided_at),
    decisionComment: orUndefined(row.decision_comment),
  };
}

function toKey(row: KeyRow): StoredKey {
  return {
    id: row.id,
    requestId: orUndefined(row.request_id),
    rotatedFrom: orUndefined(row.rotated_from),
    entityRef: row.entity_ref,
    model: row.model,
    userEntityRef: row.user_entity_ref,
    tier: row.tier,
    hash: row.hash,
    displayPrefix: row.display_prefix,
    state: row.state as ApiKeyState,
    secretNamespace: row.secret_namespace,
    secretName: row.secret_name,
    createdAt: iso(row.created_at)!,
    expiresAt: iso(row.expires_at),
    overlapUntil: iso(row.overlap_until),
    revokedAt: iso(row.revoked_at),
    revokedBy: orUndefined(row.revoked_by),
    replacedBy: orUndefined(row.replaced_by),
    revealed: row.revealed_at !== null && row.revealed_at !== undefined,
  };
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

const date = (value: string | undefined) => (value ? new Date(value) : null);

/** Fields a request transition may set besides its state. */
export interface RequestTransitionFields {
  decidedBy?: string;
  decidedAt?: Date;
  decisionComment?: string;
  keyId?: string;
}

/** Fields a key transition may set besides its state. */
export interface KeyTransitionFields {
  tier?: string;
  overlapUntil?: Date;
  revokedAt?: Date;
  revokedBy?: string;
  replacedBy?: string;
}

/**
 * Key requests, keys and audit events in the backend's database (SQLite or PostgreSQL).
 * Every state change is a conditional UPDATE on the expected current state, so that two
 * replicas doing the same thing at once change a row once: the loser sees `false`.
 */
export class KeyStore {
  readonly #db: Knex | Knex.Transaction;

  static async create(options: {
    database: DatabaseService;
  }): Promise<KeyStore> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip) {
      await KeyStore.migrate(client);
    }
    return new KeyStore(client);
  }

  static async migrate(knex: Knex): Promise<void> {
    await knex.migrate.latest({ directory: MIGRATIONS_DIR });
  }

  static get migrationsDirectory(): string {
    return MIGRATIONS_DIR;
  }

  constructor(db: Knex | Knex.Transaction) {
    this.#db = db;
  }

  /** Runs `fn` in one transaction; the store it receives writes inside it. */
  async transaction<T>(fn: (store: KeyStore) => Promise<T>): Promise<T> {
    if ((this.#db as Knex.Transaction).isTransaction) return fn(this);
    return (this.#db as Knex).transaction(trx => fn(new KeyStore(trx)));
  }

  // Requests

  async insertRequest(request: StoredKeyRequest): Promise<void> {
    const now = new Date(request.createdAt);
    await this.#db<RequestRow>(REQUESTS).insert({
      id: request.id,
      kind: request.kind,
      entity_ref: request.entityRef,
      model: request.model,
      user_entity_ref: request.userEntityRef,
      tier: request.tier,
      reason: request.reason,
      state: request.state,
      key_id: request.keyId ?? null,
      expires_in_days: request.expiresInDays ?? null,
      created_at: now,
      updated_at: now,
      decided_by: request.decidedBy ?? null,
      decided_at: date(request.decidedAt),
      decision_comment: request.decisionComment ?? null,
    });
  }

  async getRequest(id: string): Promise<StoredKeyRequest | undefined> {
    const row = await this.#db<RequestRow>(REQUESTS).where({ id }).first();
    return row ? toRequest(row) : undefined;
  }

  async listRequests(filter: RequestFilter = {}): Promise<StoredKeyRequest[]> {
    const query = this.#db<RequestRow>(REQUESTS)
      .orderBy('created_at', 'desc')
      .orderBy('id');
    if (filter.userEntityRef)
      query.where('user_entity_ref', filter.userEntityRef);
    if (filter.entityRef) query.where('entity_ref', filter.entityRef);
    if (filter.state) query.where('state', filter.state);
    return (await query).map(toRequest);
  }

  /** Approved requests decided before `decidedBefore`: the ones reconcile must finish. */
  async listApprovedRequests(decidedBefore: Date): Promise<StoredKeyRequest[]> {
    const rows = await this.#db<RequestRow>(REQUESTS)
      .where('state', 'approved')
      .where('decided_at', '<=', decidedBefore)
      .orderBy('decided_at');
    return rows.map(toRequest);
  }

  /**
   * Moves a request from `from` to `to` when, and only when, it is still in `from`.
   * @returns whether this call made the change
   */
  async transitionRequest(
    id: string,
    from: KeyRequestState,
    to: KeyRequestState,
    fields: RequestTransitionFields = {},
  ): Promise<boolean> {
    const update: Partial<RequestRow> = { state: to, updated_at: new Date() };
    if (fields.decidedBy !== undefined) update.decided_by = fields.decidedBy;
    if (fields.decidedAt !== undefined) update.decided_at = fields.decidedAt;
    if (fields.decisionComment !== undefined)
      update.decision_comment = fields.decisionComment;
    if (fields.keyId !== undefined) update.key_id = fields.keyId;
    const count = await this.#db<RequestRow>(REQUESTS)
      .where({ id, state: from })
      .update(update);
    return count === 1;
  }

  /** Keys in use (active or rotating) plus new-key requests not yet decided or issued. */
  async countOpen(userEntityRef: string, model: string): Promise<number> {
    const [keys] = await this.#db<KeyRow>(KEYS)
      .where({ user_entity_ref: userEntityRef, model, state: 'active' })
      .count({ n: '*' });
    const [requests] = await this.#db<RequestRow>(REQUESTS)
      .where({ user_entity_ref: userEntityRef, model, kind: 'new-key' })
      .whereIn('state', ['pending', 'approved'])
      .count({ n: '*' });
    return Number(keys.n) + Number(requests.n);
  }

  /** An open (pending or approved) tier change of a key, if any. */
  async findOpenTierChange(
    keyId: string,
  ): Promise<StoredKeyRequest | undefined> {
    const row = await this.#db<RequestRow>(REQUESTS)
      .where({ key_id: keyId, kind: 'tier-change' })
      .whereIn('state', ['pending', 'approved'])
      .first();
    return row ? toRequest(row) : undefined;
  }

  // Keys

  async insertKey(key: StoredKey, revealedAt?: Date): Promise<void> {
    const now = new Date(key.createdAt);
    await this.#db<KeyRow>(KEYS).insert({
      id: key.id,
      request_id: key.requestId ?? null,
      rotated_from: key.rotatedFrom ?? null,
      entity_ref: key.entityRef,
      model: key.model,
      user_entity_ref: key.userEntityRef,
      tier: key.tier,
      hash: key.hash,
      display_prefix: key.displayPrefix,
      state: key.state,
      secret_namespace: key.secretNamespace,
      secret_name: key.secretName,
      created_at: now,
      updated_at: now,
      expires_at: date(key.expiresAt),
      overlap_until: date(key.overlapUntil),
      revoked_at: date(key.revokedAt),
      revoked_by: key.revokedBy ?? null,
      replaced_by: key.replacedBy ?? null,
      revealed_at: revealedAt ?? null,
    });
  }

  async getKey(id: string): Promise<StoredKey | undefined> {
    const row = await this.#db<KeyRow>(KEYS).where({ id }).first();
    return row ? toKey(row) : undefined;
  }

  async getKeys(ids: string[]): Promise<StoredKey[]> {
    if (ids.length === 0) return [];
    const rows: KeyRow[] = [];
    // Stay below SQLite's bound-variable limit.
    for (let i = 0; i < ids.length; i += 500) {
      rows.push(
        ...(await this.#db<KeyRow>(KEYS).whereIn('id', ids.slice(i, i + 500))),
      );
    }
    return rows.map(toKey);
  }

  async listKeys(filter: KeyFilter = {}): Promise<StoredKey[]> {
    const query = this.#db<KeyRow>(KEYS)
      .orderBy('created_at', 'desc')
      .orderBy('id');
    if (filter.userEntityRef)
      query.where('user_entity_ref', filter.userEntityRef);
    if (filter.entityRef) query.where('entity_ref', filter.entityRef);
    if (filter.states) query.whereIn('state', filter.states);
    return (await query).map(toKey);
  }

  /** Active or rotating keys whose `expires_at` has passed. */
  async listExpired(now: Date): Promise<StoredKey[]> {
    const rows = await this.#db<KeyRow>(KEYS)
      .whereIn('state', ['active', 'rotating'])
      .whereNotNull('expires_at')
      .where('expires_at', '<=', now);
    return rows.map(toKey);
  }

  /** Rotating keys whose overlap has ended. */
  async listOverlapEnded(now: Date): Promise<StoredKey[]> {
    const rows = await this.#db<KeyRow>(KEYS)
      .where('state', 'rotating')
      .where('overlap_until', '<=', now);
    return rows.map(toKey);
  }

  /**
   * Moves a key from one of `from` to `to` when it is still in one of them.
   * @returns whether this call made the change
   */
  async transitionKey(
    id: string,
    from: ApiKeyState[],
    to: ApiKeyState,
    fields: KeyTransitionFields = {},
  ): Promise<boolean> {
    const update: Partial<KeyRow> = { state: to, updated_at: new Date() };
    if (fields.tier !== undefined) update.tier = fields.tier;
    if (fields.overlapUntil !== undefined)
      update.overlap_until = fields.overlapUntil;
    if (fields.revokedAt !== undefined) update.revoked_at = fields.revokedAt;
    if (fields.revokedBy !== undefined) update.revoked_by = fields.revokedBy;
    if (fields.replacedBy !== undefined) update.replaced_by = fields.replacedBy;
    const count = await this.#db<KeyRow>(KEYS)
      .where({ id })
      .whereIn('state', from)
      .update(update);
    return count === 1;
  }

  /** Sets the tier of a key that is active or rotating. */
  async setKeyTier(id: string, tier: string): Promise<boolean> {
    const count = await this.#db<KeyRow>(KEYS)
      .where({ id })
      .whereIn('state', ['active', 'rotating'])
      .update({ tier, updated_at: new Date() });
    return count === 1;
  }

  /**
   * Marks a key as shown to its owner, once.
   * @returns false when it had been shown already
   */
  async markRevealed(id: string, at: Date = new Date()): Promise<boolean> {
    const count = await this.#db<KeyRow>(KEYS)
      .where({ id })
      .whereNull('revealed_at')
      .update({ revealed_at: at });
    return count === 1;
  }

  /** Namespaces that hold, or may hold, the suite's key Secrets: those of keys and of requested models. */
  async knownNamespaces(): Promise<string[]> {
    const fromKeys = await this.#db<KeyRow>(KEYS).distinct('secret_namespace');
    const fromRequests = await this.#db<RequestRow>(REQUESTS).distinct('model');
    const namespaces = new Set<string>([
      ...fromKeys.map(r => r.secret_namespace),
      ...fromRequests.map(r => r.model.split('/')[0]),
    ]);
    return [...namespaces].sort();
  }

  // Audit

  async addAudit(event: NewAuditEvent): Promise<void> {
    await this.#db<AuditRow>(AUDIT).insert({
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

  async listAudit(filter: {
    entityRef?: string;
    subjectId?: string;
    limit: number;
  }): Promise<AuditEvent[]> {
    const query = this.#db<AuditRow>(AUDIT)
      .orderBy('id', 'desc')
      .limit(filter.limit);
    if (filter.entityRef) query.where('entity_ref', filter.entityRef);
    if (filter.subjectId) query.where('subject_id', filter.subjectId);
    return (await query).map(toAudit);
  }
}
