import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { IssuedKey, ObjectRef } from '@maas-portal/plugin-maas-common';
import { randomUUID } from 'node:crypto';
import { Actor, auditEvents, ISSUER } from './auditEvents';
import { displayPrefixOf, generateApiKey, hashApiKey } from './generateApiKey';
import { KeyFlowContext } from './KeyFlowContext';
import { keySecretName } from './KeySecrets';
import { assertTransition } from './requestStateMachine';
import { checkKeyCap } from './validateKeyInput';
import { NewAuditEvent } from './store/AuditStore';
import { KeyDatabase } from './store/KeyDatabase';
import { publicKey, StoredKey } from './store/KeyStore';
import { StoredKeyRequest } from './store/KeyRequestStore';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A key's model is gone, or was made again: no retry will issue the key. */
export class ModelGoneError extends NotFoundError {}

function parseModel(model: string): ObjectRef {
  const [namespace, name] = model.split('/');
  return { namespace, name };
}

function isUniqueViolation(error: unknown): boolean {
  return /unique|duplicate key/i.test((error as Error)?.message ?? '');
}

/** What one issue needs besides the key's owner and model. */
interface IssueSpec {
  keyId: string;
  /** The key's owner, model and tier, from its request or from the key it replaces. */
  from: Pick<
    StoredKey,
    'entityRef' | 'model' | 'modelUid' | 'userEntityRef' | 'tier' | 'name'
  >;
  /** The new-key request the Secret names: its own, or for a rotation its predecessor's. */
  originRequestId: string;
  expiresAt: Date;
  requestId?: string;
  rotatedFrom?: string;
  /** Set when the value is shown in the issuing response (rotation), so it cannot be shown again. */
  revealedAt?: Date;
  actor: Actor;
  /** The other row that changes with the key's, and its audit event, in the same transaction. */
  alongside: {
    event: NewAuditEvent;
    change: (db: KeyDatabase) => Promise<void>;
  };
  /** When the transaction fails: what to answer instead, or what to throw. */
  recover: (error: unknown, issued: IssuedKey) => Promise<IssuedKey>;
}

/**
 * Issues keys: for an approved request and for a rotation, by one path. The Secret comes first
 * (named after the key id, so that a retry finds it and adopts its value), then the key row, the
 * row that changes with it and their audit events in one transaction.
 */
export class KeyIssuer {
  readonly #ctx: KeyFlowContext;

  constructor(ctx: KeyFlowContext) {
    this.#ctx = ctx;
  }

  /** approved → issued. The key id is the request id, so replicas finishing it at once make one key. */
  async issueForRequest(request: StoredKeyRequest): Promise<IssuedKey> {
    assertTransition(request.state, 'issued');
    const now = this.#ctx.now();
    const days = request.expiresInDays ?? this.#ctx.config.keys.defaultTtlDays;
    return this.#issue({
      keyId: request.id,
      from: request,
      originRequestId: request.id,
      requestId: request.id,
      expiresAt: new Date(now.getTime() + days * DAY_MS),
      actor: ISSUER,
      alongside: {
        event: auditEvents.requestIssued(request, request.id),
        change: async db => {
          const moved = await db.requests.transition(
            request.id,
            'approved',
            'issued',
            { keyId: request.id },
          );
          if (!moved) {
            throw new ConflictError(
              `Key request ${request.id} is no longer approved`,
            );
          }
        },
      },
      recover: async (error, issued) => {
        if (!isUniqueViolation(error) && !(error instanceof ConflictError))
          throw error;
        // Someone else finished this request at the same time: their row stands.
        const stored = await this.#ctx.db.keys.get(request.id);
        if (!stored) throw error;
        return { key: publicKey(stored), value: issued.value };
      },
    });
  }

  /**
   * A new key for the same user id and tier as `old`, shown once; `old` turns rotating until
   * `now + rotationOverlapMinutes`. The new key expires when `old` would have: rotation renews
   * the value, never the lifetime, so that no key lives forever by rotation.
   */
  async issueRotation(old: StoredKey, actor: Actor): Promise<IssuedKey> {
    const { keys } = this.#ctx.config;
    const now = this.#ctx.now();
    const newId = randomUUID();
    const expiresAt = old.expiresAt
      ? new Date(old.expiresAt)
      : new Date(
          new Date(old.createdAt).getTime() + keys.defaultTtlDays * DAY_MS,
        );
    const overlapUntil = new Date(
      now.getTime() + keys.rotationOverlapMinutes * 60_000,
    );
    return this.#issue({
      keyId: newId,
      from: old,
      originRequestId: await this.#originRequest(old),
      rotatedFrom: old.id,
      expiresAt,
      revealedAt: now,
      actor,
      alongside: {
        event: auditEvents.keyRotating(actor, old, newId, overlapUntil),
        change: async db => {
          // Counted under the same lock as new requests: the cap holds against rotation chains.
          await db.lockUserModel(old.userEntityRef, old.model);
          await checkKeyCap(
            db,
            this.#ctx.config,
            old.userEntityRef,
            old.model,
            old,
          );
          const moved = await db.keys.transition(
            old.id,
            ['active'],
            'rotating',
            { overlapUntil, replacedBy: newId },
          );
          if (!moved) {
            throw new ConflictError(`Key ${old.id} is no longer active`);
          }
        },
      },
      recover: async error => {
        const secrets = this.#ctx.secrets();
        await secrets
          .delete(secrets.namespace, keySecretName(newId))
          .catch(() => undefined);
        if (isUniqueViolation(error))
          throw new ConflictError(`Key ${old.id} is being rotated already`);
        throw error;
      },
    });
  }

  async #issue(spec: IssueSpec): Promise<IssuedKey> {
    const secrets = this.#ctx.secrets();
    const { namespace } = secrets;
    const model = parseModel(spec.from.model);
    const uid = await secrets.modelUid(model);
    if (!uid) {
      throw new ModelGoneError(
        `The model ${spec.from.model} no longer exists (its InferenceService is gone from the cluster); no key can be issued for it`,
      );
    }
    if (spec.from.modelUid && spec.from.modelUid !== uid) {
      throw new ModelGoneError(
        `The model ${spec.from.model} was deleted and made again since this key was asked for; request a new key for the new model`,
      );
    }
    const secretName = keySecretName(spec.keyId);
    let generated = generateApiKey(this.#ctx.config.keys.prefix);
    const created = await secrets.create({
      keyId: spec.keyId,
      requestId: spec.originRequestId,
      namespace,
      model: { ...model, uid },
      entityRef: spec.from.entityRef,
      userEntityRef: spec.from.userEntityRef,
      tier: spec.from.tier,
      value: generated.value,
      expiresAt: spec.expiresAt.toISOString(),
    });
    if (created === 'exists') {
      // A replica or an earlier attempt made it: adopt its value.
      const existing = await secrets.readValue(namespace, secretName);
      if (!existing)
        throw new ServiceUnavailableError(
          `Secret ${namespace}/${secretName} has no key value`,
        );
      generated = {
        value: existing,
        hash: hashApiKey(existing),
        displayPrefix: displayPrefixOf(existing),
      };
    }
    const key: StoredKey = {
      id: spec.keyId,
      name: spec.from.name,
      requestId: spec.requestId,
      rotatedFrom: spec.rotatedFrom,
      entityRef: spec.from.entityRef,
      model: spec.from.model,
      modelUid: uid,
      userEntityRef: spec.from.userEntityRef,
      tier: spec.from.tier,
      hash: generated.hash,
      displayPrefix: generated.displayPrefix,
      state: 'active',
      secretNamespace: namespace,
      secretName,
      createdAt: this.#ctx.now().toISOString(),
      expiresAt: spec.expiresAt.toISOString(),
      revealed: spec.revealedAt !== undefined,
    };
    const issued = { key: publicKey(key), value: generated.value };
    try {
      await this.#ctx.record(
        [spec.alongside.event, auditEvents.keyIssued(spec.actor, key)],
        async db => {
          await spec.alongside.change(db);
          await db.keys.insert(key, spec.revealedAt);
        },
      );
    } catch (error) {
      return spec.recover(error, issued);
    }
    this.#ctx.logger.info(
      `Issued key ${key.id} (${key.displayPrefix}) of ${key.userEntityRef} for ${key.model}, tier ${key.tier}`,
    );
    return issued;
  }

  /** The request id a key came from, following rotations back. */
  async #originRequest(key: StoredKey): Promise<string> {
    let current: StoredKey | undefined = key;
    for (let i = 0; current && i < 100; i++) {
      if (current.requestId) return current.requestId;
      current = current.rotatedFrom
        ? await this.#ctx.db.keys.get(current.rotatedFrom)
        : undefined;
    }
    return key.id;
  }
}
