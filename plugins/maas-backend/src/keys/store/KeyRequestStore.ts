import {
  KeyRequest,
  KeyRequestKind,
  KeyRequestState,
} from '@maas-portal/plugin-maas-common';
import { Knex } from 'knex';
import type { OwnerFilter, Timestamp } from './columns';
import { dateOrNull, iso, newestOf, orUndefined } from './columns';

const TABLE = 'maas_key_requests';

/** A key request as stored: the API shape plus what issuing needs. */
export interface StoredKeyRequest extends KeyRequest {
  /** The InferenceService's UID when the request was made. */
  modelUid?: string;
}

/** The API shape of a stored request. */
export function publicRequest(request: StoredKeyRequest): KeyRequest {
  const { modelUid, ...rest } = request;
  return rest;
}

export interface RequestFilter extends OwnerFilter {
  state?: KeyRequestState;
}

/** Fields a request transition may set besides its state. */
export interface RequestTransitionFields {
  decidedBy?: string;
  decidedAt?: Date;
  decisionComment?: string;
  keyId?: string;
  failureReason?: string;
  failedAt?: Date;
}

interface RequestRow {
  id: string;
  kind: string;
  entity_ref: string;
  model: string;
  model_uid: string | null;
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
  name: string | null;
  attempts: number;
  failure_reason: string | null;
  failed_at: Timestamp;
}

function toRequest(row: RequestRow): StoredKeyRequest {
  return {
    id: row.id,
    kind: row.kind as KeyRequestKind,
    entityRef: row.entity_ref,
    model: row.model,
    modelUid: orUndefined(row.model_uid),
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
    name: orUndefined(row.name),
    failureReason: orUndefined(row.failure_reason),
    failedAt: iso(row.failed_at),
  };
}

/**
 * The `maas_key_requests` table. A state change is a conditional UPDATE on the expected state,
 * so that two replicas deciding at once change a row once: the loser sees `false`.
 */
export class KeyRequestStore {
  readonly #db: Knex | Knex.Transaction;

  constructor(db: Knex | Knex.Transaction) {
    this.#db = db;
  }

  async insert(request: StoredKeyRequest): Promise<void> {
    const now = new Date(request.createdAt);
    await this.#db<RequestRow>(TABLE).insert({
      id: request.id,
      kind: request.kind,
      entity_ref: request.entityRef,
      model: request.model,
      model_uid: request.modelUid ?? null,
      user_entity_ref: request.userEntityRef,
      tier: request.tier,
      reason: request.reason,
      state: request.state,
      key_id: request.keyId ?? null,
      expires_in_days: request.expiresInDays ?? null,
      created_at: now,
      updated_at: now,
      decided_by: request.decidedBy ?? null,
      decided_at: dateOrNull(request.decidedAt),
      decision_comment: request.decisionComment ?? null,
      name: request.name ?? null,
    });
  }

  async get(id: string): Promise<StoredKeyRequest | undefined> {
    const row = await this.#db<RequestRow>(TABLE).where({ id }).first();
    return row ? toRequest(row) : undefined;
  }

  async list(filter: RequestFilter = {}): Promise<StoredKeyRequest[]> {
    const query = newestOf(this.#db<RequestRow>(TABLE), filter);
    if (filter.state) query.where('state', filter.state);
    return (await query).map(toRequest);
  }

  /** Approved requests decided before `decidedBefore`: the ones reconcile must finish. */
  async listApproved(decidedBefore: Date): Promise<StoredKeyRequest[]> {
    const rows = await this.#db<RequestRow>(TABLE)
      .where('state', 'approved')
      .where('decided_at', '<=', decidedBefore)
      .orderBy('decided_at');
    return rows.map(toRequest);
  }

  /**
   * Moves a request from `from` to `to` when, and only when, it is still in `from`.
   * @returns whether this call made the change
   */
  async transition(
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
    if (fields.failureReason !== undefined)
      update.failure_reason = fields.failureReason;
    if (fields.failedAt !== undefined) update.failed_at = fields.failedAt;
    const count = await this.#db<RequestRow>(TABLE)
      .where({ id, state: from })
      .update(update);
    return count === 1;
  }

  /**
   * Counts one more failed attempt to finish an approved request.
   * @returns the attempts so far, or undefined when the request is no longer approved
   */
  async addFailedAttempt(id: string): Promise<number | undefined> {
    const count = await this.#db<RequestRow>(TABLE)
      .where({ id, state: 'approved' })
      .increment('attempts', 1);
    if (count !== 1) return undefined;
    const row = await this.#db<RequestRow>(TABLE)
      .select('attempts')
      .where({ id })
      .first();
    return row ? Number(row.attempts) : undefined;
  }

  /** Names of a user's new-key requests for a model not yet decided or issued. */
  async openNames(
    userEntityRef: string,
    model: string,
  ): Promise<Array<{ id: string; name: string }>> {
    const rows = await this.#db<RequestRow>(TABLE)
      .where({ user_entity_ref: userEntityRef, model, kind: 'new-key' })
      .whereIn('state', ['pending', 'approved'])
      .whereNotNull('name')
      .select('id', 'name');
    return rows.map(r => ({ id: r.id, name: r.name! }));
  }

  /** New-key requests of a user for a model not yet decided or issued. */
  async countOpenNewKey(userEntityRef: string, model: string): Promise<number> {
    const [row] = await this.#db<RequestRow>(TABLE)
      .where({ user_entity_ref: userEntityRef, model, kind: 'new-key' })
      .whereIn('state', ['pending', 'approved'])
      .count({ n: '*' });
    return Number(row.n);
  }

  /** An open (pending or approved) tier change of a key, if any. */
  async findOpenTierChange(
    keyId: string,
  ): Promise<StoredKeyRequest | undefined> {
    const row = await this.#db<RequestRow>(TABLE)
      .where({ key_id: keyId, kind: 'tier-change' })
      .whereIn('state', ['pending', 'approved'])
      .first();
    return row ? toRequest(row) : undefined;
  }

  /** Namespaces of the models keys were asked for: where their Secrets may be. */
  async modelNamespaces(): Promise<string[]> {
    const rows = await this.#db<RequestRow>(TABLE).distinct('model');
    return [...new Set(rows.map(r => r.model.split('/')[0]))];
  }
}
