import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  ApiKey,
  ApiKeyState,
  IssuedKey,
} from '@maas-portal/plugin-maas-common';
import { Actor, auditEvents } from './auditEvents';
import { KeyFlowContext } from './KeyFlowContext';
import { KeyIssuer } from './KeyIssuer';
import { assertTransition } from './requestStateMachine';
import { KeyFilter, publicKey, StoredKey } from './store/KeyStore';
import { StoredKeyRequest } from './store/KeyRequestStore';
import { decodeListCursor, fillPage, Page } from './store/paging';
import { checkKeyName, checkKeyState, checkNameFree } from './validateKeyInput';

/**
 * What happens to an issued key: shown once, revoked, rotated, moved to another tier, expired.
 * Every change is a conditional update on the expected state, with its audit event. Who may ask
 * for which is decided before, in `permissions/keyAccess.ts`. Key values exist only in the
 * Secret and in the one response that shows them; they are never logged.
 */
export class KeyOperations {
  readonly #ctx: KeyFlowContext;
  readonly #issuer: KeyIssuer;

  constructor(ctx: KeyFlowContext, issuer: KeyIssuer) {
    this.#ctx = ctx;
    this.#issuer = issuer;
  }

  async getKey(id: string): Promise<StoredKey> {
    const key = await this.#ctx.db.keys.get(id);
    if (!key) throw new NotFoundError(`No key ${id}`);
    return key;
  }

  async listKeys(filter: KeyFilter): Promise<ApiKey[]> {
    return (await this.#ctx.db.keys.list(filter)).map(publicKey);
  }

  /**
   * A page of keys, newest first, after `cursor` (`GET /keys`): those `visible` lets through (who
   * may see which, asked per batch read), with when each was last used where the metrics allow.
   */
  async listPage(input: {
    filter: Omit<KeyFilter, 'after' | 'limit'>;
    limit: number;
    cursor?: string;
    visible: (rows: StoredKey[]) => Promise<StoredKey[]>;
  }): Promise<Page<ApiKey>> {
    const page = await fillPage({
      limit: input.limit,
      after:
        input.cursor === undefined ? undefined : decodeListCursor(input.cursor),
      read: (after, limit) =>
        this.#ctx.db.keys.list({ ...input.filter, after, limit }),
      visible: input.visible,
    });
    const shown = page.items.map(publicKey);
    const { lastUse } = this.#ctx;
    return { ...page, items: lastUse ? await lastUse(shown) : shown };
  }

  /** The tiers of a user's working (active or rotating) keys on a model, sorted: what their quota is of. */
  async workingTiers(
    userEntityRef: string,
    entityRef: string,
  ): Promise<string[]> {
    const working = await this.listKeys({
      userEntityRef,
      entityRef,
      states: ['active', 'rotating'],
    });
    return [...new Set(working.map(k => k.tier))].sort();
  }

  /** Shows a key's value once, read from its Secret. */
  async reveal(key: StoredKey, actor: Actor): Promise<IssuedKey> {
    checkKeyState(key, 'shown');
    const shownAlready = `Key ${key.id} was already shown once; rotate the key to get a new one`;
    if (key.revealed) throw new ConflictError(shownAlready);
    const value = await this.#ctx
      .secrets()
      .readValue(key.secretNamespace, key.secretName);
    if (!value) {
      throw new ServiceUnavailableError(
        `The Secret ${key.secretNamespace}/${key.secretName} of key ${key.id} is missing; the portal repairs it within minutes`,
      );
    }
    await this.#ctx.record([auditEvents.keyRevealed(actor, key)], async db => {
      if (!(await db.keys.markRevealed(key.id, this.#ctx.now())))
        throw new ConflictError(shownAlready);
    });
    return { key: { ...publicKey(key), revealed: true }, value };
  }

  /** Names (or, with an empty name, unnames) a working key; the name is unique for the owner and model. */
  async rename(key: StoredKey, name: string, actor: Actor): Promise<ApiKey> {
    checkKeyState(key, 'renamed');
    const newName = checkKeyName(name);
    await this.#ctx.record(
      [auditEvents.keyRenamed(actor, key, newName)],
      async db => {
        await db.lockUserModel(key.userEntityRef, key.model);
        // A rotation's two keys are one key to their owner: they may share the name.
        await checkNameFree(db, key, newName, [
          key.id,
          key.rotatedFrom,
          key.replacedBy,
        ]);
        await db.keys.rename(key.id, newName);
      },
    );
    return publicKey((await this.#ctx.db.keys.get(key.id))!);
  }

  /**
   * Marks the key revoked, then deletes its Secret (reconcile deletes it if this step fails). A
   * failed delete is an error for the caller: until the Secret is gone the gateway takes the key.
   */
  async revoke(
    key: StoredKey,
    actor: Actor,
    /** Why the portal itself revokes it, for the owner (a person revoking gives none). */
    reason?: string,
  ): Promise<ApiKey> {
    checkKeyState(key, 'revoked');
    this.#ctx.secrets();
    const now = this.#ctx.now();
    await this.#ctx.record(
      [auditEvents.keyRevoked(actor, key, reason)],
      async db => {
        const moved = await db.keys.transition(
          key.id,
          ['active', 'rotating'],
          'revoked',
          { revokedAt: now, revokedBy: actor, revokedReason: reason },
        );
        if (!moved)
          throw new ConflictError(`Key ${key.id} is no longer active`);
      },
    );
    const failure = await this.#deleteSecret(key);
    if (failure) {
      throw new ServiceUnavailableError(
        `Key ${key.id} is revoked in the portal, but the gateway still accepts it until its Secret is deleted; the portal retries every minute. ${failure.message}`,
      );
    }
    return publicKey((await this.#ctx.db.keys.get(key.id))!);
  }

  /**
   * A new key for the same user id and tier, shown once; the old one stays valid until
   * `now + rotationOverlapMinutes` and the scheduled task then deletes it.
   */
  async rotate(key: StoredKey, actor: Actor): Promise<IssuedKey> {
    checkKeyState(key, 'rotated', ['active']);
    this.#ctx.secrets();
    return this.#issuer.issueRotation(key, actor);
  }

  /** approved tier change → issued: the Secret's groups annotation, then the key row. Idempotent. */
  async applyTierChange(request: StoredKeyRequest): Promise<void> {
    assertTransition(request.state, 'issued');
    const key = request.keyId
      ? await this.#ctx.db.keys.get(request.keyId)
      : undefined;
    if (!key)
      throw new NotFoundError(
        `Tier change ${request.id} names no existing key`,
      );
    const live = key.state === 'active' || key.state === 'rotating';
    if (live)
      await this.#ctx
        .secrets()
        .setTier(key.secretNamespace, key.secretName, request.tier);
    await this.#ctx.record(
      [
        auditEvents.requestIssued(request, key.id),
        ...(live ? [auditEvents.keyTierChanged(key, request.tier)] : []),
      ],
      async db => {
        if (live) await db.keys.setTier(key.id, request.tier);
        if (!(await db.requests.transition(request.id, 'approved', 'issued'))) {
          throw new ConflictError(
            `Tier change ${request.id} is no longer approved`,
          );
        }
      },
    );
  }

  /** Active or rotating keys past `expiresAt`: marked expired, then their Secrets deleted. */
  async expireKeys(): Promise<string[]> {
    const due = await this.#ctx.db.keys.listExpired(this.#ctx.now());
    return this.#retire(due, ['active', 'rotating'], 'expired');
  }

  /** Rotating keys past their overlap: marked rotated, then their Secrets deleted. */
  async endRotations(): Promise<string[]> {
    const due = await this.#ctx.db.keys.listOverlapEnded(this.#ctx.now());
    return this.#retire(due, ['rotating'], 'rotated');
  }

  /** Moves each key still in `from` to `to` (once across replicas) and deletes its Secret. */
  async #retire(
    keys: StoredKey[],
    from: ApiKeyState[],
    to: 'expired' | 'rotated',
  ): Promise<string[]> {
    const done: string[] = [];
    for (const key of keys) {
      const event =
        to === 'expired'
          ? auditEvents.keyExpired(key)
          : auditEvents.keyRotated(key);
      const changed = await this.#ctx.record<boolean>(
        ok => (ok ? [event] : []),
        db => db.keys.transition(key.id, from, to),
      );
      if (!changed) continue;
      await this.#deleteSecret(key);
      done.push(key.id);
    }
    return done;
  }

  /** Deletes a retired key's Secret; a failure is logged (reconcile retries) and returned. */
  async #deleteSecret(key: StoredKey): Promise<Error | undefined> {
    try {
      await this.#ctx.secrets().delete(key.secretNamespace, key.secretName);
      return undefined;
    } catch (error) {
      this.#ctx.logger.warn(
        `Could not delete Secret ${key.secretNamespace}/${
          key.secretName
        } of key ${key.id}; reconcile will: ${(error as Error).message}`,
      );
      return error as Error;
    }
  }
}
