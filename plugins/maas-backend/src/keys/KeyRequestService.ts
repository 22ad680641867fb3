import {
  ConflictError,
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  CreateKeyRequestResponse,
  DecisionResult,
  KeyRequest,
  KeyRequestState,
  ObjectRef,
  parseObjectRef,
  stringifyObjectRef,
} from '@maas-portal/plugin-maas-common';
import { randomUUID } from 'node:crypto';
import { EntityModelRef } from '../entities/ModelRef';
import { Actor, AUTO_APPROVER, auditEvents } from './auditEvents';
import { KeyFlowContext, KeyFlowOptions } from './KeyFlowContext';
import { KeyIssuer } from './KeyIssuer';
import { KeyOperations } from './KeyOperations';
import { notifyRequester } from './notifyRequester';
import { notifyApprovers } from './notifyApprovers';
import { FinishOutcome, RequestFinisher } from './RequestFinisher';
import { assertTransition } from './requestStateMachine';
import { databaseUnavailable } from './store/databaseUnavailable';
import { decodeListCursor, fillPage, Page } from './store/paging';
import {
  publicRequest,
  RequestFilter,
  StoredKeyRequest,
} from './store/KeyRequestStore';
import { StoredKey } from './store/KeyStore';
import {
  checkExpiresInDays,
  checkKeyCap,
  checkKeyName,
  checkKeyState,
  checkNameFree,
  checkReason,
  checkTierOffered,
  findTier,
} from './validateKeyInput';

/** The model a request is for, as resolved from its catalog entity. */
export interface KeyModel {
  entityRef: string;
  inferenceService: ObjectRef;
  /** The InferenceService's UID when the request was made: a model re-created later is another. */
  modelUid?: string;
}

export interface NewKeyRequestInput {
  model: KeyModel;
  userEntityRef: string;
  tier: string;
  reason: string;
  expiresInDays?: number;
  /** A name for the key: unique among the user's working keys and open requests for the model. */
  name?: string;
  /**
   * For a tier approved automatically: whether the answer carries the key's value (shown once, the
   * portal's page), or leaves it unrevealed for its owner to see once on My API keys (an MCP
   * action, whose answers an AI agent and its logs read). Defaults to now.
   */
  valueShown?: 'now' | 'on-my-keys-page';
}

/** What the models say before a request is asked: whether the model is bound, which tiers it offers. */
export type KeyModelChecks = Pick<KeyFlowOptions, 'bindings' | 'offeredTiers'>;

/** The entity and InferenceService of a stored key or request. */
function keyModelRef(item: {
  entityRef: string;
  model: string;
}): EntityModelRef {
  const inferenceService = parseObjectRef(item.model);
  if (!inferenceService)
    throw new InputError(`${item.model} is not <namespace>/<name>`);
  return { entityRef: item.entityRef, inferenceService };
}

/** A decision's outcome: the request, and a warning when the approval stands but the key is not out yet. */
export interface DecisionOutcome {
  request: KeyRequest;
  warning?: string;
}

/**
 * The life of a key request: created (a new key, or another tier for a key), then approved,
 * rejected or cancelled once, then finished: its key issued or its tier applied. An automatic
 * tier is approved and finished at once. Who may decide is checked before, in
 * `permissions/keyAccess.ts`.
 */
export class KeyRequestService {
  readonly #ctx: KeyFlowContext;
  readonly #issuer: KeyIssuer;
  readonly #operations: KeyOperations;
  readonly #finisher: RequestFinisher;
  readonly #models: KeyModelChecks;

  constructor(
    ctx: KeyFlowContext,
    issuer: KeyIssuer,
    operations: KeyOperations,
    models: KeyModelChecks = {},
  ) {
    this.#ctx = ctx;
    this.#issuer = issuer;
    this.#operations = operations;
    this.#finisher = new RequestFinisher(ctx, issuer, operations);
    this.#models = models;
  }

  /**
   * A user's request for a key to the model of a catalog entity, as `POST /keys/requests` asks it:
   * the InferenceService must name the entity back (a ConflictError saying why not otherwise) and
   * its policies offer the tier; the request records the InferenceService's UID, so that a model
   * re-created later is another. Then {@link KeyRequestService.createRequest}.
   */
  async askForKey(
    input: Omit<NewKeyRequestInput, 'model'> & { model: EntityModelRef },
  ): Promise<CreateKeyRequestResponse> {
    const { model } = input;
    const binding = this.#bindings().require(model);
    this.#checkOffered(input.tier, model);
    return this.createRequest({
      ...input,
      model: {
        entityRef: model.entityRef,
        inferenceService: model.inferenceService,
        modelUid: binding.uid,
      },
    });
  }

  /**
   * A request to move a key to another tier, as `POST /keys/{id}/tier-change` asks it: the key's
   * model must still be bound to its entity and offer the tier. Then
   * {@link KeyRequestService.requestTierChange}.
   */
  async askForTierChange(input: {
    key: StoredKey;
    tier: string;
    reason: string;
    actor: Actor;
  }): Promise<KeyRequest> {
    const model = keyModelRef(input.key);
    this.#bindings().require(model);
    this.#checkOffered(input.tier, model);
    return this.requestTierChange(input);
  }

  async createRequest(
    input: NewKeyRequestInput,
  ): Promise<CreateKeyRequestResponse> {
    const { config, db } = this.#ctx;
    const tier = findTier(config, input.tier);
    const reason = checkReason(config, input.reason);
    checkExpiresInDays(config, input.expiresInDays);
    const name = checkKeyName(input.name);
    const model = stringifyObjectRef(input.model.inferenceService);
    if (tier.approval === 'auto') this.#ctx.secrets();

    const request: StoredKeyRequest = {
      id: randomUUID(),
      kind: 'new-key',
      entityRef: input.model.entityRef,
      model,
      modelUid: input.model.modelUid,
      userEntityRef: input.userEntityRef,
      tier: tier.name,
      reason,
      state: 'pending',
      createdAt: this.#ctx.now().toISOString(),
      // The lifetime the approver sees is the one the key gets, even if the default changes meanwhile.
      expiresInDays: input.expiresInDays ?? config.keys.defaultTtlDays,
      name,
    };
    await this.#ctx.record(
      [
        auditEvents.requestCreated(input.userEntityRef, request, {
          tier: tier.name,
          kind: 'new-key',
        }),
      ],
      async tx => {
        // Counted and inserted in one transaction, under a lock per user and model: the cap holds
        // when many requests arrive at once.
        await tx.lockUserModel(input.userEntityRef, model);
        await checkKeyCap(tx, config, input.userEntityRef, model);
        await checkNameFree(tx, request, name);
        await tx.requests.insert(request);
      },
    );
    if (tier.approval !== 'auto') {
      await this.#notifyApprovers(request);
      return { request: publicRequest(request) };
    }

    await this.#autoApprove(request);
    const issued = await this.#issuer.issueForRequest(
      await this.getRequest(request.id),
    );
    if (input.valueShown === 'on-my-keys-page')
      return { request: publicRequest(await this.getRequest(request.id)) };
    if (!(await db.keys.markRevealed(issued.key.id, this.#ctx.now()))) {
      throw new ConflictError(`Key ${issued.key.id} was shown already`);
    }
    return {
      request: publicRequest(await this.getRequest(request.id)),
      issued: { key: { ...issued.key, revealed: true }, value: issued.value },
    };
  }

  /** A request to move a key to another tier; an automatic tier applies at once. */
  async requestTierChange(input: {
    key: StoredKey;
    tier: string;
    reason: string;
    actor: Actor;
  }): Promise<KeyRequest> {
    const { key } = input;
    checkKeyState(key, 'changed', ['active']);
    const tier = findTier(this.#ctx.config, input.tier);
    const reason = checkReason(this.#ctx.config, input.reason);
    if (tier.name === key.tier)
      throw new InputError(`Key ${key.id} is already at tier ${tier.name}`);
    const open = await this.#ctx.db.requests.findOpenTierChange(key.id);
    if (open)
      throw new ConflictError(
        `Key ${key.id} already has an open tier change (${open.id}, to ${open.tier})`,
      );
    if (tier.approval === 'auto') this.#ctx.secrets();
    const request: StoredKeyRequest = {
      id: randomUUID(),
      kind: 'tier-change',
      entityRef: key.entityRef,
      model: key.model,
      modelUid: key.modelUid,
      userEntityRef: key.userEntityRef,
      tier: tier.name,
      reason,
      state: 'pending',
      keyId: key.id,
      createdAt: this.#ctx.now().toISOString(),
    };
    await this.#insert(request, input.actor, {
      kind: 'tier-change',
      keyId: key.id,
      fromTier: key.tier,
      tier: tier.name,
    });
    if (tier.approval === 'auto') {
      await this.#autoApprove(request);
      await this.#operations.applyTierChange(await this.getRequest(request.id));
    } else await this.#notifyApprovers(request);
    return publicRequest(await this.getRequest(request.id));
  }

  /** A request that waits for a person: those who may decide it are told. */
  async #notifyApprovers(request: StoredKeyRequest): Promise<void> {
    await notifyApprovers({
      notifier: this.#ctx.notifier,
      request,
      config: this.#ctx.config,
      bindings: this.#models.bindings,
      logger: this.#ctx.logger,
    });
  }

  async getRequest(id: string): Promise<StoredKeyRequest> {
    const request = await this.#ctx.db.requests.get(id);
    if (!request) throw new NotFoundError(`No key request ${id}`);
    return request;
  }

  /**
   * A page of requests, newest first, after `cursor` (`GET /keys/requests`): those `visible` lets
   * through (who may see which, asked per batch read), each saying whether the caller may decide it.
   */
  async listPage(input: {
    filter: Omit<RequestFilter, 'after' | 'limit'>;
    limit: number;
    cursor?: string;
    visible: (
      rows: StoredKeyRequest[],
    ) => Promise<Array<StoredKeyRequest & { canDecide: boolean }>>;
  }): Promise<Page<KeyRequest & { canDecide: boolean }>> {
    const page = await fillPage({
      limit: input.limit,
      after:
        input.cursor === undefined ? undefined : decodeListCursor(input.cursor),
      read: (after, limit) =>
        this.#ctx.db.requests.list({ ...input.filter, after, limit }),
      visible: input.visible,
    });
    return {
      ...page,
      items: page.items.map(r => ({
        ...publicRequest(r),
        canDecide: r.canDecide,
      })),
    };
  }

  async listRequests(filter: RequestFilter): Promise<KeyRequest[]> {
    return (await this.#ctx.db.requests.list(filter)).map(publicRequest);
  }

  /**
   * Decides several requests at once (the approval queue's batch), each on its own: one that is
   * missing, refused by `refusalOf` (who may decide which, asked once for them all) or failing
   * does not stop the others, and each gets its own result, in the order of `ids`.
   */
  async decideEach(input: {
    ids: string[];
    decision: 'approve' | 'reject';
    actor: Actor;
    comment?: string;
    refusalOf: (
      requests: KeyRequest[],
    ) => Promise<(request: KeyRequest) => string | undefined>;
  }): Promise<DecisionResult[]> {
    const { decision, actor, comment } = input;
    const ids = [...new Set(input.ids)];
    const found = new Map<string, KeyRequest>();
    for (const id of ids) {
      const request = await this.#ctx.db.requests.get(id);
      if (request) found.set(id, request);
    }
    const refusal = await input.refusalOf([...found.values()]);
    const results: DecisionResult[] = [];
    for (const id of ids) {
      const request = found.get(id);
      const error = request ? refusal(request) : `No key request ${id}`;
      if (error) {
        results.push({ id, ok: false, error });
        continue;
      }
      try {
        const outcome = await this.decide(id, decision, actor, comment);
        results.push({ id, ok: true, ...outcome });
      } catch (failure) {
        const why = databaseUnavailable(failure) ?? (failure as Error);
        results.push({ id, ok: false, error: why.message });
      }
    }
    return results;
  }

  /**
   * pending → approved|rejected, once; an approved request is then finished (or fails), and the
   * requester told. A rejection needs a comment: the requester reads it as the reason.
   */
  async decide(
    id: string,
    decision: 'approve' | 'reject',
    actor: Actor,
    comment?: string,
  ): Promise<DecisionOutcome> {
    const request = await this.getRequest(id);
    let warning: string | undefined;
    if (decision === 'reject') {
      if (!comment?.trim())
        throw new InputError(
          'A rejection needs a comment: say why, the requester reads it as the reason',
        );
      await this.#transition(request, 'rejected', actor, comment.trim());
    } else {
      await this.#transition(request, 'approved', actor, comment);
      let outcome: FinishOutcome;
      try {
        outcome = await this.finishApproved(await this.getRequest(id));
      } catch (error) {
        outcome = { state: 'approved', error: error as Error };
      }
      if (outcome.state === 'failed')
        warning = `Approved, but no key can be issued: ${outcome.reason}`;
      if (outcome.state === 'approved') {
        warning = `Approved, but the key is not out yet (${outcome.error.message}); the portal retries within minutes`;
        this.#ctx.logger.warn(`Key request ${id}: ${warning}`);
      }
    }
    const decided = await this.getRequest(id);
    // A request that failed at once was told so already, by the finisher.
    if (decided.state !== 'failed')
      await notifyRequester({
        notifier: this.#ctx.notifier,
        request: decided,
        decidedBy: actor,
      });
    return { request: publicRequest(decided), ...(warning ? { warning } : {}) };
  }

  async cancel(request: StoredKeyRequest, actor: Actor): Promise<KeyRequest> {
    await this.#transition(request, 'cancelled', actor);
    return publicRequest(await this.getRequest(request.id));
  }

  /**
   * Finishes an approved request: issues its key or applies its tier change, or fails it (see
   * {@link RequestFinisher}). Reconcile calls it too.
   */
  async finishApproved(request: StoredKeyRequest): Promise<FinishOutcome> {
    return this.#finisher.finish(request);
  }

  #bindings() {
    const { bindings } = this.#models;
    if (!bindings) {
      throw new ServiceUnavailableError(
        'The key services were built without the entity bindings (maas-backend plugin.ts wires them), so no model can be checked for a key request',
      );
    }
    return bindings;
  }

  #checkOffered(tier: string, model: EntityModelRef): void {
    checkTierOffered(tier, model.entityRef, this.#models.offeredTiers?.(model));
  }

  async #insert(
    request: StoredKeyRequest,
    actor: Actor,
    details: Record<string, string>,
  ): Promise<void> {
    await this.#ctx.record(
      [auditEvents.requestCreated(actor, request, details)],
      db => db.requests.insert(request),
    );
  }

  async #autoApprove(request: StoredKeyRequest): Promise<void> {
    await this.#transition(
      request,
      'approved',
      AUTO_APPROVER,
      `Tier ${request.tier} is approved automatically`,
    );
  }

  /** A decision on a pending request, made once even when several replicas try at once. */
  async #transition(
    request: StoredKeyRequest,
    to: KeyRequestState,
    actor: Actor,
    comment?: string,
  ): Promise<void> {
    const decidedAlready = (state: string) =>
      new ConflictError(
        `Key request ${request.id} is already decided: ${state}`,
      );
    if (request.state !== 'pending') throw decidedAlready(request.state);
    assertTransition(request.state, to);
    await this.#ctx.record(
      [auditEvents.requestDecided(actor, request, to, comment)],
      async db => {
        const moved = await db.requests.transition(request.id, 'pending', to, {
          decidedBy: actor,
          decidedAt: this.#ctx.now(),
          decisionComment: comment,
        });
        if (!moved) {
          const current = await db.requests.get(request.id);
          throw decidedAlready(current?.state ?? 'gone');
        }
      },
    );
  }
}
