import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  ApiKey,
  AuditEvent,
  CreateKeyRequestResponse,
  IssuedKey,
  KeyRequest,
  KeyRequestState,
  ObjectRef,
  stringifyObjectRef,
} from '@maas-portal/plugin-maas-common';
import { randomUUID } from 'node:crypto';
import { MaasConfig } from '../config/MaasConfig';
import { displayPrefixOf, generateApiKey, hashApiKey } from './generateApiKey';
import { KeySecrets, keySecretName } from './KeySecrets';
import { notifyRequester } from './notifyRequester';
import { assertTransition } from './requestStateMachine';
import {
  KeyFilter,
  KeyStore,
  NewAuditEvent,
  RequestFilter,
  StoredKey,
  StoredKeyRequest,
} from './store/KeyStore';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Who acts: a user entity ref, or the suite itself (`maas:auto-approval`, `maas:scheduler`, ...). */
export type Actor = string;

export const AUTO_APPROVER: Actor = 'maas:auto-approval';

/** The model a request is for, as resolved from its catalog entity. */
export interface KeyModel {
  entityRef: string;
  inferenceService: ObjectRef;
}

export interface NewKeyRequestInput {
  model: KeyModel;
  userEntityRef: string;
  tier: string;
  reason: string;
  expiresInDays?: number;
}

/** A decision's outcome: the request, and a warning when the approval stands but the key is not out yet. */
export interface DecisionOutcome {
  request: KeyRequest;
  warning?: string;
}

function parseModel(model: string): ObjectRef {
  const [namespace, name] = model.split('/');
  return { namespace, name };
}

function isUniqueViolation(error: unknown): boolean {
  return /unique|duplicate key/i.test((error as Error)?.message ?? '');
}

/** The API shape of a stored key: no hash, no Secret location. */
export function publicKey(key: StoredKey): ApiKey {
  const { hash, secretNamespace, secretName, requestId, rotatedFrom, ...rest } =
    key;
  return rest;
}

export function publicRequest(request: StoredKeyRequest): KeyRequest {
  const { expiresInDays, ...rest } = request;
  return rest;
}

/**
 * The API-key flow: request → (approve | reject | cancel) → issue, then reveal once, revoke,
 * rotate, change tier, expire. Every change is a conditional update on the expected state, made
 * in one transaction with its audit event, so that replicas doing the same at once change it once.
 * Key values exist only in the Secret and in the one response that shows them; they are never logged.
 */
export class KeyService {
  readonly #store: KeyStore;
  readonly #secrets?: KeySecrets;
  readonly #config: MaasConfig;
  readonly #logger: LoggerService;
  readonly #auditor?: AuditorService;
  readonly #notifications?: NotificationService;
  readonly #now: () => Date;

  constructor(options: {
    store: KeyStore;
    secrets?: KeySecrets;
    config: MaasConfig;
    logger: LoggerService;
    auditor?: AuditorService;
    notifications?: NotificationService;
    now?: () => Date;
  }) {
    this.#store = options.store;
    this.#secrets = options.secrets;
    this.#config = options.config;
    this.#logger = options.logger;
    this.#auditor = options.auditor;
    this.#notifications = options.notifications;
    this.#now = options.now ?? (() => new Date());
  }

  get store(): KeyStore {
    return this.#store;
  }

  #cluster(): KeySecrets {
    if (!this.#secrets) {
      throw new ServiceUnavailableError(
        'No cluster is connected to the portal, so keys cannot be issued or changed. Set maas.cluster.kubeconfig (or KUBECONFIG), or run the backend in the cluster, then restart it.',
      );
    }
    return this.#secrets;
  }

  #tier(name: string) {
    const tier = this.#config.tiers.find(t => t.name === name);
    if (!tier) {
      throw new InputError(
        `Unknown tier "${name}"; this portal's tiers are ${this.#config.tiers
          .map(t => t.name)
          .join(', ')}`,
      );
    }
    return tier;
  }

  #reason(reason: string): string {
    const trimmed = reason.trim();
    if (!trimmed)
      throw new InputError(
        'A reason is required: say briefly what the key is for',
      );
    const max = this.#config.keys.reasonMaxLength;
    if (trimmed.length > max) {
      throw new InputError(
        `The reason is ${trimmed.length} characters long; at most ${max} are allowed`,
      );
    }
    return trimmed;
  }

  /** Writes the audit row (inside the caller's transaction). */
  async #audit(store: KeyStore, event: NewAuditEvent): Promise<void> {
    await store.addAudit({ ...event, at: event.at ?? this.#now() });
  }

  /** Sends an event to the auditor service after the change is committed. */
  async #auditorEvent(event: Omit<AuditEvent, 'id' | 'at'>): Promise<void> {
    if (!this.#auditor) return;
    try {
      const auditorEvent = await this.#auditor.createEvent({
        eventId: `key-${event.action.replace(/\./g, '-')}`,
        severityLevel: 'medium',
        meta: {
          actor: event.actor,
          subject: event.subject,
          entityRef: event.entityRef,
          ...(event.fromState ? { fromState: event.fromState } : {}),
          ...(event.toState ? { toState: event.toState } : {}),
          ...(event.details ? { details: event.details as any } : {}),
        },
      });
      await auditorEvent.success();
    } catch (error) {
      this.#logger.warn(
        `Could not write an auditor event for ${event.action}: ${
          (error as Error).message
        }`,
      );
    }
  }

  /** Runs `change` and its audit rows in one transaction, then tells the auditor service. */
  async #change<T>(
    events: NewAuditEvent[] | ((result: T) => NewAuditEvent[]),
    change: (store: KeyStore) => Promise<T>,
  ): Promise<T> {
    let recorded: NewAuditEvent[] = [];
    const result = await this.#store.transaction(async store => {
      const value = await change(store);
      recorded = typeof events === 'function' ? events(value) : events;
      for (const event of recorded) await this.#audit(store, event);
      return value;
    });
    for (const event of recorded) await this.#auditorEvent(event);
    return result;
  }

  // Requests

  async createRequest(
    input: NewKeyRequestInput,
  ): Promise<CreateKeyRequestResponse> {
    const tier = this.#tier(input.tier);
    const reason = this.#reason(input.reason);
    const { maxTtlDays, maxActivePerUserAndModel } = this.#config.keys;
    if (input.expiresInDays !== undefined) {
      if (
        !Number.isInteger(input.expiresInDays) ||
        input.expiresInDays < 1 ||
        input.expiresInDays > maxTtlDays
      ) {
        throw new InputError(
          `expiresInDays must be a whole number from 1 to ${maxTtlDays}; got ${input.expiresInDays}`,
        );
      }
    }
    const model = stringifyObjectRef(input.model.inferenceService);
    const open = await this.#store.countOpen(input.userEntityRef, model);
    if (open >= maxActivePerUserAndModel) {
      throw new ConflictError(
        `You already have ${open} active keys or open requests for ${model}; the limit is ${maxActivePerUserAndModel}. Revoke a key or cancel a request first.`,
      );
    }
    if (tier.approval === 'auto') this.#cluster();

    const request: StoredKeyRequest = {
      id: randomUUID(),
      kind: 'new-key',
      entityRef: input.model.entityRef,
      model,
      userEntityRef: input.userEntityRef,
      tier: tier.name,
      reason,
      state: 'pending',
      createdAt: this.#now().toISOString(),
      expiresInDays: input.expiresInDays,
    };
    await this.#change(
      [
        {
          actor: input.userEntityRef,
          action: 'request.created',
          subject: { type: 'key-request', id: request.id },
          entityRef: request.entityRef,
          toState: 'pending',
          details: { tier: tier.name, kind: 'new-key' },
        },
      ],
      store => store.insertRequest(request),
    );
    if (tier.approval !== 'auto') return { request: publicRequest(request) };

    await this.#approve(
      request,
      AUTO_APPROVER,
      `Tier ${tier.name} is approved automatically`,
    );
    const issued = await this.#issue(
      (await this.#store.getRequest(request.id))!,
    );
    if (!(await this.#store.markRevealed(issued.key.id, this.#now()))) {
      throw new ConflictError(`Key ${issued.key.id} was shown already`);
    }
    return {
      request: publicRequest((await this.#store.getRequest(request.id))!),
      issued: { key: { ...issued.key, revealed: true }, value: issued.value },
    };
  }

  async getRequest(id: string): Promise<StoredKeyRequest> {
    const request = await this.#store.getRequest(id);
    if (!request) throw new NotFoundError(`No key request ${id}`);
    return request;
  }

  async listRequests(filter: RequestFilter): Promise<KeyRequest[]> {
    return (await this.#store.listRequests(filter)).map(publicRequest);
  }

  /** pending → approved|rejected, once; an approved request is then issued (or its tier applied). */
  async decide(
    id: string,
    decision: 'approve' | 'reject',
    actor: Actor,
    comment?: string,
  ): Promise<DecisionOutcome> {
    const request = await this.getRequest(id);
    if (decision === 'reject') {
      await this.#transition(request, 'rejected', actor, comment);
      const decided = (await this.#store.getRequest(id))!;
      await notifyRequester({
        notifications: this.#notifications,
        logger: this.#logger,
        request: decided,
        decidedBy: actor,
      });
      return { request: publicRequest(decided) };
    }
    await this.#approve(request, actor, comment);
    let warning: string | undefined;
    try {
      await this.#complete((await this.#store.getRequest(id))!);
    } catch (error) {
      warning = `Approved, but the key is not out yet (${
        (error as Error).message
      }); the portal retries within minutes`;
      this.#logger.warn(`Key request ${id}: ${warning}`);
    }
    const decided = (await this.#store.getRequest(id))!;
    await notifyRequester({
      notifications: this.#notifications,
      logger: this.#logger,
      request: decided,
      decidedBy: actor,
    });
    return { request: publicRequest(decided), warning };
  }

  async cancel(id: string, actor: Actor): Promise<KeyRequest> {
    const request = await this.getRequest(id);
    if (request.userEntityRef !== actor) {
      throw new NotAllowedError(
        `Only ${request.userEntityRef} can cancel key request ${id}`,
      );
    }
    await this.#transition(request, 'cancelled', actor);
    return publicRequest((await this.#store.getRequest(id))!);
  }

  async #approve(
    request: StoredKeyRequest,
    actor: Actor,
    comment?: string,
  ): Promise<void> {
    await this.#transition(request, 'approved', actor, comment);
  }

  /** A decision on a pending request, made once even when several replicas try at once. */
  async #transition(
    request: StoredKeyRequest,
    to: KeyRequestState,
    actor: Actor,
    comment?: string,
  ): Promise<void> {
    if (request.state !== 'pending') {
      throw new ConflictError(
        `Key request ${request.id} is already decided: ${request.state}`,
      );
    }
    assertTransition(request.state, to);
    await this.#change(
      [
        {
          actor,
          action: `request.${to}`,
          subject: { type: 'key-request', id: request.id },
          entityRef: request.entityRef,
          fromState: 'pending',
          toState: to,
          details: comment ? { comment } : undefined,
        },
      ],
      async store => {
        const ok = await store.transitionRequest(request.id, 'pending', to, {
          decidedBy: actor,
          decidedAt: this.#now(),
          decisionComment: comment,
        });
        if (!ok) {
          const current = await store.getRequest(request.id);
          throw new ConflictError(
            `Key request ${request.id} is already decided: ${
              current?.state ?? 'gone'
            }`,
          );
        }
      },
    );
  }

  /** Finishes an approved request: issues its key, or applies its tier change. */
  async #complete(request: StoredKeyRequest): Promise<void> {
    if (request.kind === 'tier-change') await this.applyTierChange(request);
    else await this.#issue(request);
  }

  /** Finishes an approved request; reconcile calls it for requests a crash left approved. */
  async completeApproved(request: StoredKeyRequest): Promise<void> {
    await this.#complete(request);
  }

  /**
   * approved → issued: Secret first (named after the key id, which is the request id, so a retry
   * finds it), then the key row and the request's state in one transaction.
   */
  async #issue(request: StoredKeyRequest): Promise<IssuedKey> {
    assertTransition(request.state, 'issued');
    const secrets = this.#cluster();
    const keyId = request.id;
    const { namespace, name: modelName } = parseModel(request.model);
    const secretName = keySecretName(keyId);
    let generated = generateApiKey(this.#config.keys.prefix);
    const created = await secrets.create({
      keyId,
      requestId: request.id,
      namespace,
      modelName,
      entityRef: request.entityRef,
      userEntityRef: request.userEntityRef,
      tier: request.tier,
      value: generated.value,
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
    const now = this.#now();
    const key: StoredKey = {
      id: keyId,
      requestId: request.id,
      entityRef: request.entityRef,
      model: request.model,
      userEntityRef: request.userEntityRef,
      tier: request.tier,
      hash: generated.hash,
      displayPrefix: generated.displayPrefix,
      state: 'active',
      secretNamespace: namespace,
      secretName,
      createdAt: now.toISOString(),
      expiresAt: new Date(
        now.getTime() +
          (request.expiresInDays ?? this.#config.keys.defaultTtlDays) * DAY_MS,
      ).toISOString(),
      revealed: false,
    };
    try {
      await this.#change(
        [
          {
            actor: 'maas:issuer',
            action: 'request.issued',
            subject: { type: 'key-request', id: request.id },
            entityRef: request.entityRef,
            fromState: 'approved',
            toState: 'issued',
            details: { keyId },
          },
          {
            actor: 'maas:issuer',
            action: 'key.issued',
            subject: { type: 'key', id: keyId },
            entityRef: request.entityRef,
            toState: 'active',
            details: {
              tier: request.tier,
              owner: request.userEntityRef,
              secret: `${namespace}/${secretName}`,
            },
          },
        ],
        async store => {
          await store.insertKey(key);
          if (
            !(await store.transitionRequest(request.id, 'approved', 'issued', {
              keyId,
            }))
          ) {
            throw new ConflictError(
              `Key request ${request.id} is no longer approved`,
            );
          }
        },
      );
    } catch (error) {
      if (!isUniqueViolation(error) && !(error instanceof ConflictError))
        throw error;
      // Someone else finished this request at the same time: their row stands.
      const stored = await this.#store.getKey(keyId);
      if (!stored) throw error;
      return { key: publicKey(stored), value: generated.value };
    }
    this.#logger.info(
      `Issued key ${keyId} (${generated.displayPrefix}) of ${request.userEntityRef} for ${request.model}, tier ${request.tier}`,
    );
    return { key: publicKey(key), value: generated.value };
  }

  // Keys

  async getKey(id: string): Promise<StoredKey> {
    const key = await this.#store.getKey(id);
    if (!key) throw new NotFoundError(`No key ${id}`);
    return key;
  }

  async listKeys(filter: KeyFilter): Promise<ApiKey[]> {
    return (await this.#store.listKeys(filter)).map(publicKey);
  }

  #ownKey(key: StoredKey, actor: Actor, verb: string): void {
    if (key.userEntityRef !== actor) {
      throw new NotAllowedError(
        `Only ${key.userEntityRef}, its owner, can ${verb} key ${key.id}`,
      );
    }
  }

  #usable(
    key: StoredKey,
    verb: string,
    states: string[] = ['active', 'rotating'],
  ): void {
    if (!states.includes(key.state)) {
      throw new ConflictError(
        `Key ${key.id} is ${key.state}; only ${states.join(
          ' or ',
        )} keys can be ${verb}`,
      );
    }
  }

  /** Shows a key's value to its owner once, read from its Secret. */
  async reveal(id: string, actor: Actor): Promise<IssuedKey> {
    const key = await this.getKey(id);
    this.#ownKey(key, actor, 'see');
    this.#usable(key, 'shown');
    if (key.revealed)
      throw new ConflictError(
        `Key ${id} was already shown once; rotate the key to get a new one`,
      );
    const value = await this.#cluster().readValue(
      key.secretNamespace,
      key.secretName,
    );
    if (!value) {
      throw new ServiceUnavailableError(
        `The Secret ${key.secretNamespace}/${key.secretName} of key ${id} is missing; the portal repairs it within minutes`,
      );
    }
    await this.#change(
      [
        {
          actor,
          action: 'key.revealed',
          subject: { type: 'key', id },
          entityRef: key.entityRef,
        },
      ],
      async store => {
        if (!(await store.markRevealed(id, this.#now()))) {
          throw new ConflictError(
            `Key ${id} was already shown once; rotate the key to get a new one`,
          );
        }
      },
    );
    return { key: { ...publicKey(key), revealed: true }, value };
  }

  /**
   * Marks the key revoked, then deletes its Secret (reconcile deletes it if this step fails).
   * Its owner may always; others only with `mayRevokeOthers` (maas.key.revoke on the model).
   */
  async revoke(
    id: string,
    actor: Actor,
    options: { mayRevokeOthers?: boolean } = {},
  ): Promise<ApiKey> {
    const key = await this.getKey(id);
    if (key.userEntityRef !== actor && !options.mayRevokeOthers) {
      throw new NotAllowedError(
        `Key ${id} belongs to ${key.userEntityRef}; revoking it takes the maas.key.revoke permission on ${key.entityRef}`,
      );
    }
    this.#usable(key, 'revoked');
    this.#cluster();
    const now = this.#now();
    await this.#change(
      [
        {
          actor,
          action: 'key.revoked',
          subject: { type: 'key', id },
          entityRef: key.entityRef,
          fromState: key.state,
          toState: 'revoked',
        },
      ],
      async store => {
        if (
          !(await store.transitionKey(id, ['active', 'rotating'], 'revoked', {
            revokedAt: now,
            revokedBy: actor,
          }))
        ) {
          throw new ConflictError(`Key ${id} is no longer active`);
        }
      },
    );
    await this.#deleteSecret(key);
    return publicKey((await this.#store.getKey(id))!);
  }

  async #deleteSecret(key: StoredKey): Promise<void> {
    try {
      await this.#cluster().delete(key.secretNamespace, key.secretName);
    } catch (error) {
      this.#logger.warn(
        `Could not delete Secret ${key.secretNamespace}/${
          key.secretName
        } of key ${key.id}; reconcile will: ${(error as Error).message}`,
      );
    }
  }

  /** The request id a key came from, following rotations back. */
  async #originRequest(key: StoredKey): Promise<string> {
    let current: StoredKey | undefined = key;
    for (let i = 0; current && i < 100; i++) {
      if (current.requestId) return current.requestId;
      current = current.rotatedFrom
        ? await this.#store.getKey(current.rotatedFrom)
        : undefined;
    }
    return key.id;
  }

  /**
   * A new key for the same user id and tier, shown once; the old one stays valid until
   * `now + rotationOverlapMinutes` and the scheduled task then deletes it.
   */
  async rotate(id: string, actor: Actor): Promise<IssuedKey> {
    const old = await this.getKey(id);
    this.#ownKey(old, actor, 'rotate');
    this.#usable(old, 'rotated', ['active']);
    const secrets = this.#cluster();
    const now = this.#now();
    const newId = randomUUID();
    const generated = generateApiKey(this.#config.keys.prefix);
    const lifetimeMs = old.expiresAt
      ? new Date(old.expiresAt).getTime() - new Date(old.createdAt).getTime()
      : this.#config.keys.defaultTtlDays * DAY_MS;
    const { namespace, name: modelName } = parseModel(old.model);
    const secretName = keySecretName(newId);
    await secrets.create({
      keyId: newId,
      requestId: await this.#originRequest(old),
      namespace,
      modelName,
      entityRef: old.entityRef,
      userEntityRef: old.userEntityRef,
      tier: old.tier,
      value: generated.value,
    });
    const overlapUntil = new Date(
      now.getTime() + this.#config.keys.rotationOverlapMinutes * 60_000,
    );
    const key: StoredKey = {
      id: newId,
      rotatedFrom: old.id,
      entityRef: old.entityRef,
      model: old.model,
      userEntityRef: old.userEntityRef,
      tier: old.tier,
      hash: generated.hash,
      displayPrefix: generated.displayPrefix,
      state: 'active',
      secretNamespace: namespace,
      secretName,
      createdAt: now.toISOString(),
      expiresAt: new Date(
        now.getTime() +
          Math.min(lifetimeMs, this.#config.keys.maxTtlDays * DAY_MS),
      ).toISOString(),
      revealed: true,
    };
    try {
      await this.#change(
        [
          {
            actor,
            action: 'key.rotating',
            subject: { type: 'key', id: old.id },
            entityRef: old.entityRef,
            fromState: 'active',
            toState: 'rotating',
            details: {
              replacedBy: newId,
              overlapUntil: overlapUntil.toISOString(),
            },
          },
          {
            actor,
            action: 'key.issued',
            subject: { type: 'key', id: newId },
            entityRef: old.entityRef,
            toState: 'active',
            details: {
              tier: old.tier,
              owner: old.userEntityRef,
              rotatedFrom: old.id,
              secret: `${namespace}/${secretName}`,
            },
          },
        ],
        async store => {
          if (
            !(await store.transitionKey(old.id, ['active'], 'rotating', {
              overlapUntil,
              replacedBy: newId,
            }))
          ) {
            throw new ConflictError(`Key ${old.id} is no longer active`);
          }
          await store.insertKey(key, now);
        },
      );
    } catch (error) {
      await secrets.delete(namespace, secretName).catch(() => undefined);
      if (isUniqueViolation(error))
        throw new ConflictError(`Key ${old.id} is being rotated already`);
      throw error;
    }
    return { key: publicKey(key), value: generated.value };
  }

  /** A request to move a key to another tier; an automatic tier applies at once. */
  async requestTierChange(input: {
    keyId: string;
    tier: string;
    reason: string;
    actor: Actor;
  }): Promise<KeyRequest> {
    const key = await this.getKey(input.keyId);
    this.#ownKey(key, input.actor, 'change the tier of');
    this.#usable(key, 'changed', ['active']);
    const tier = this.#tier(input.tier);
    const reason = this.#reason(input.reason);
    if (tier.name === key.tier)
      throw new InputError(`Key ${key.id} is already at tier ${tier.name}`);
    const open = await this.#store.findOpenTierChange(key.id);
    if (open)
      throw new ConflictError(
        `Key ${key.id} already has an open tier change (${open.id}, to ${open.tier})`,
      );
    if (tier.approval === 'auto') this.#cluster();
    const request: StoredKeyRequest = {
      id: randomUUID(),
      kind: 'tier-change',
      entityRef: key.entityRef,
      model: key.model,
      userEntityRef: key.userEntityRef,
      tier: tier.name,
      reason,
      state: 'pending',
      keyId: key.id,
      createdAt: this.#now().toISOString(),
    };
    await this.#change(
      [
        {
          actor: input.actor,
          action: 'request.created',
          subject: { type: 'key-request', id: request.id },
          entityRef: key.entityRef,
          toState: 'pending',
          details: {
            kind: 'tier-change',
            keyId: key.id,
            fromTier: key.tier,
            tier: tier.name,
          },
        },
      ],
      store => store.insertRequest(request),
    );
    if (tier.approval === 'auto') {
      await this.#approve(
        request,
        AUTO_APPROVER,
        `Tier ${tier.name} is approved automatically`,
      );
      await this.applyTierChange((await this.#store.getRequest(request.id))!);
    }
    return publicRequest((await this.#store.getRequest(request.id))!);
  }

  /** approved tier change → issued: the Secret's groups annotation, then the key row. Idempotent. */
  async applyTierChange(request: StoredKeyRequest): Promise<void> {
    assertTransition(request.state, 'issued');
    const key = request.keyId
      ? await this.#store.getKey(request.keyId)
      : undefined;
    if (!key)
      throw new NotFoundError(
        `Tier change ${request.id} names no existing key`,
      );
    const live = key.state === 'active' || key.state === 'rotating';
    if (live)
      await this.#cluster().setTier(
        key.secretNamespace,
        key.secretName,
        request.tier,
      );
    await this.#change(
      [
        {
          actor: 'maas:issuer',
          action: 'request.issued',
          subject: { type: 'key-request', id: request.id },
          entityRef: request.entityRef,
          fromState: 'approved',
          toState: 'issued',
          details: { keyId: key.id },
        },
        ...(live
          ? [
              {
                actor: 'maas:issuer',
                action: 'key.tier-changed',
                subject: { type: 'key' as const, id: key.id },
                entityRef: key.entityRef,
                details: { fromTier: key.tier, tier: request.tier },
              },
            ]
          : []),
      ],
      async store => {
        if (live) await store.setKeyTier(key.id, request.tier);
        if (
          !(await store.transitionRequest(request.id, 'approved', 'issued'))
        ) {
          throw new ConflictError(
            `Tier change ${request.id} is no longer approved`,
          );
        }
      },
    );
  }

  // Scheduled work

  /** Active or rotating keys past `expiresAt`: marked expired, then their Secrets deleted. */
  async expireKeys(): Promise<string[]> {
    const now = this.#now();
    const done: string[] = [];
    for (const key of await this.#store.listExpired(now)) {
      const changed = await this.#change<boolean>(
        ok =>
          ok
            ? [
                {
                  actor: 'maas:scheduler',
                  action: 'key.expired',
                  subject: { type: 'key', id: key.id },
                  entityRef: key.entityRef,
                  fromState: key.state,
                  toState: 'expired',
                },
              ]
            : [],
        store => store.transitionKey(key.id, ['active', 'rotating'], 'expired'),
      );
      if (!changed) continue;
      await this.#deleteSecret(key);
      done.push(key.id);
    }
    return done;
  }

  /** Rotating keys past their overlap: marked rotated, then their Secrets deleted. */
  async endRotations(): Promise<string[]> {
    const now = this.#now();
    const done: string[] = [];
    for (const key of await this.#store.listOverlapEnded(now)) {
      const changed = await this.#change<boolean>(
        ok =>
          ok
            ? [
                {
                  actor: 'maas:scheduler',
                  action: 'key.rotated',
                  subject: { type: 'key', id: key.id },
                  entityRef: key.entityRef,
                  fromState: 'rotating',
                  toState: 'rotated',
                  details: { replacedBy: key.replacedBy ?? null },
                },
              ]
            : [],
        store => store.transitionKey(key.id, ['rotating'], 'rotated'),
      );
      if (!changed) continue;
      await this.#deleteSecret(key);
      done.push(key.id);
    }
    return done;
  }

  async listAudit(filter: {
    entityRef?: string;
    limit: number;
  }): Promise<AuditEvent[]> {
    return this.#store.listAudit(filter);
  }
}
