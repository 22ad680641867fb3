import { ApiKey, ApiKeyState } from '@maas-portal/plugin-maas-common';
import { Knex } from 'knex';
import type { OwnerFilter, Timestamp } from './columns';
import { dateOrNull, iso, newestOf, orUndefined } from './columns';

const TABLE = 'maas_keys';

/** A key as stored: the API shape plus the hash and where its Secret is. */
export interface StoredKey extends ApiKey {
  requestId?: string;
  rotatedFrom?: string;
  hash: string;
  secretNamespace: string;
  secretName: string;
  /** The InferenceService's UID when the key was requested: a model re-created later is another. */
  modelUid?: string;
}

/** The API shape of a stored key: no hash, no Secret location. */
export function publicKey(key: StoredKey): ApiKey {
  const {
    hash,
    secretNamespace,
    secretName,
    requestId,
    rotatedFrom,
    modelUid,
    ...rest
  } = key;
  return rest;
}

export interface KeyFilter extends OwnerFilter {
  states?: ApiKeyState[];
}

/** Fields a key transition may set besides its state. */
export interface KeyTransitionFields {
  tier?: string;
  overlapUntil?: Date;
  revokedAt?: Date;
  revokedBy?: string;
  revokedReason?: string;
  replacedBy?: string;
}

interface KeyRow {
  id: string;
  request_id: string | null;
  rotated_from: string | null;
  entity_ref: string;
  model: string;
  model_uid: string | null;
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
  revoked_reason: string | null;
  replaced_by: string | null;
  revealed_at: Timestamp;
  name: string | null;
}

function toKey(row: KeyRow): StoredKey {
  return {
    id: row.id,
    name: orUndefined(row.name),
    requestId: orUndefined(row.request_id),
    rotatedFrom: orUndefined(row.rotated_from),
    entityRef: row.entity_ref,
    model: row.model,
    modelUid: orUndefined(row.model_uid),
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
    revokedReason: orUndefined(row.revoked_reason),
    replacedBy: orUndefined(row.replaced_by),
    revealed: row.revealed_at !== null && row.revealed_at !== undefined,
  };
}

/**
 * The `maas_keys` table: hashes and Secret locations, never values. A state change is a
 * conditional UPDATE on the expected states, so that two replicas change a row once.
 */
export class KeyStore {
  readonly #db: Knex | Knex.Transaction;

  constructor(db: Knex | Knex.Transaction) {
    this.#db = db;
  }

  async insert(key: StoredKey, revealedAt?: Date): Promise<void> {
    const now = new Date(key.createdAt);
    await this.#db<KeyRow>(TABLE).insert({
      id: key.id,
      request_id: key.requestId ?? null,
      rotated_from: key.rotatedFrom ?? null,
      entity_ref: key.entityRef,
      model: key.model,
      model_uid: key.modelUid ?? null,
      user_entity_ref: key.userEntityRef,
      tier: key.tier,
      hash: key.hash,
      display_prefix: key.displayPrefix,
      state: key.state,
      secret_namespace: key.secretNamespace,
      secret_name: key.secretName,
      created_at: now,
      updated_at: now,
      expires_at: dateOrNull(key.expiresAt),
      overlap_until: dateOrNull(key.overlapUntil),
      revoked_at: dateOrNull(key.revokedAt),
      revoked_by: key.revokedBy ?? null,
      revoked_reason: key.revokedReason ?? null,
      replaced_by: key.replacedBy ?? null,
      revealed_at: revealedAt ?? null,
      name: key.name ?? null,
    });
  }

  async get(id: string): Promise<StoredKey | undefined> {
    const row = await this.#db<KeyRow>(TABLE).where({ id }).first();
    return row ? toKey(row) : undefined;
  }

  async getMany(ids: string[]): Promise<StoredKey[]> {
    const rows: KeyRow[] = [];
    // Stay below SQLite's bound-variable limit.
    for (let i = 0; i < ids.length; i += 500) {
      rows.push(
        ...(await this.#db<KeyRow>(TABLE).whereIn('id', ids.slice(i, i + 500))),
      );
    }
    return rows.map(toKey);
  }

  async list(filter: KeyFilter = {}): Promise<StoredKey[]> {
    const query = newestOf(this.#db<KeyRow>(TABLE), filter);
    if (filter.states) query.whereIn('state', filter.states);
    return (await query).map(toKey);
  }

  /** Keys of a user for a model that work: active, or rotating (until the overlap ends). */
  async countActive(userEntityRef: string, model: string): Promise<number> {
    const [row] = await this.#db<KeyRow>(TABLE)
      .where({ user_entity_ref: userEntityRef, model })
      .whereIn('state', ['active', 'rotating'])
      .count({ n: '*' });
    return Number(row.n);
  }

  /** Names of a user's working (active or rotating) keys for a model. */
  async workingNames(
    userEntityRef: string,
    model: string,
  ): Promise<Array<{ id: string; name: string }>> {
    const rows = await this.#db<KeyRow>(TABLE)
      .where({ user_entity_ref: userEntityRef, model })
      .whereIn('state', ['active', 'rotating'])
      .whereNotNull('name')
      .select('id', 'name');
    return rows.map(r => ({ id: r.id, name: r.name! }));
  }

  /** Sets or clears (undefined) the name of a key. */
  async rename(id: string, name: string | undefined): Promise<boolean> {
    const count = await this.#db<KeyRow>(TABLE)
      .where({ id })
      .update({ name: name ?? null, updated_at: new Date() });
    return count === 1;
  }

  /** Active or rotating keys whose `expires_at` has passed. */
  async listExpired(now: Date): Promise<StoredKey[]> {
    const rows = await this.#db<KeyRow>(TABLE)
      .whereIn('state', ['active', 'rotating'])
      .whereNotNull('expires_at')
      .where('expires_at', '<=', now);
    return rows.map(toKey);
  }

  /** Active keys that expire after `now` and by `until`, soonest first (expiry notices). */
  async listExpiringBetween(now: Date, until: Date): Promise<StoredKey[]> {
    const rows = await this.#db<KeyRow>(TABLE)
      .where('state', 'active')
      .whereNotNull('expires_at')
      .where('expires_at', '>', now)
      .where('expires_at', '<=', until)
      .orderBy('expires_at', 'asc');
    return rows.map(toKey);
  }

  /** Rotating keys whose overlap has ended. */
  async listOverlapEnded(now: Date): Promise<StoredKey[]> {
    const rows = await this.#db<KeyRow>(TABLE)
      .where('state', 'rotating')
      .where('overlap_until', '<=', now);
    return rows.map(toKey);
  }

  /**
   * Moves a key from one of `from` to `to` when it is still in one of them.
   * @returns whether this call made the change
   */
  async transition(
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
    if (fields.revokedReason !== undefined)
      update.revoked_reason = fields.revokedReason;
    if (fields.replacedBy !== undefined) update.replaced_by = fields.replacedBy;
    const count = await this.#db<KeyRow>(TABLE)
      .where({ id })
      .whereIn('state', from)
      .update(update);
    return count === 1;
  }

  /** Sets the tier of a key that is active or rotating. */
  async setTier(id: string, tier: string): Promise<boolean> {
    const count = await this.#db<KeyRow>(TABLE)
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
    const count = await this.#db<KeyRow>(TABLE)
      .where({ id })
      .whereNull('revealed_at')
      .update({ revealed_at: at });
    return count === 1;
  }

  /** Records that a key's Secret now lives in `namespace` (moved to the keys namespace). */
  async moveSecret(id: string, namespace: string): Promise<boolean> {
    const count = await this.#db<KeyRow>(TABLE)
      .where({ id })
      .update({ secret_namespace: namespace, updated_at: new Date() });
    return count === 1;
  }

  /** Namespaces that hold key Secrets. */
  async secretNamespaces(): Promise<string[]> {
    const rows = await this.#db<KeyRow>(TABLE).distinct('secret_namespace');
    return rows.map(r => r.secret_namespace);
  }
}
