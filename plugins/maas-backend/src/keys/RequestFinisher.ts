import { ConflictError } from '@backstage/errors';
import { auditEvents } from './auditEvents';
import { KeyFlowContext } from './KeyFlowContext';
import { KeyIssuer, ModelGoneError } from './KeyIssuer';
import { KeyOperations } from './KeyOperations';
import { notifyRequester } from './notifyRequester';
import { ISSUE_ATTEMPTS } from './requestStateMachine';
import { StoredKeyRequest } from './store/KeyRequestStore';

/** Where an approved request stands after an attempt to finish it. */
export type FinishOutcome =
  | { state: 'issued' }
  /** It will not be retried: the reason is on the request, its audit event and the notification. */
  | { state: 'failed'; reason: string }
  /** Still approved: the next reconcile pass tries again. */
  | { state: 'approved'; error: Error };

/**
 * Finishes approved requests: issues the key of a new-key request, or applies a tier change.
 * A failed attempt counts; the request fails with its reason at once when the model is gone (or
 * was made again), and after {@link ISSUE_ATTEMPTS} attempts otherwise, instead of being retried
 * forever. The decision path and the reconcile task both finish requests here.
 */
export class RequestFinisher {
  readonly #ctx: KeyFlowContext;
  readonly #issuer: KeyIssuer;
  readonly #operations: KeyOperations;

  constructor(
    ctx: KeyFlowContext,
    issuer: KeyIssuer,
    operations: KeyOperations,
  ) {
    this.#ctx = ctx;
    this.#issuer = issuer;
    this.#operations = operations;
  }

  /**
   * One attempt. Throws a ConflictError when someone else finished or failed it meanwhile.
   */
  async finish(request: StoredKeyRequest): Promise<FinishOutcome> {
    try {
      if (request.kind === 'tier-change')
        await this.#operations.applyTierChange(request);
      else await this.#issuer.issueForRequest(request);
      return { state: 'issued' };
    } catch (error) {
      if (error instanceof ConflictError) throw error;
      const attempts = await this.#ctx.db.requests.addFailedAttempt(request.id);
      if (attempts === undefined) throw error;
      if (error instanceof ModelGoneError)
        return this.#fail(request, error.message);
      if (attempts >= ISSUE_ATTEMPTS) {
        // The last error may name cluster internals; the requester reads the reason, admins the log.
        this.#ctx.logger.warn(
          `Key request ${request.id} failed after ${attempts} attempts: ${
            (error as Error).message
          }`,
        );
        return this.#fail(
          request,
          `The key could not be issued after ${attempts} attempts (the cluster did not take it); ask an admin, who finds the cause in the portal's log, then request the key again`,
        );
      }
      return { state: 'approved', error: error as Error };
    }
  }

  /** approved → failed, with the reason and when, its audit event, and the requester told. */
  async #fail(
    request: StoredKeyRequest,
    reason: string,
  ): Promise<FinishOutcome> {
    const failedAt = this.#ctx.now();
    await this.#ctx.record(
      [auditEvents.requestFailed(request, reason)],
      async db => {
        const moved = await db.requests.transition(
          request.id,
          'approved',
          'failed',
          { failureReason: reason, failedAt },
        );
        if (!moved)
          throw new ConflictError(
            `Key request ${request.id} is no longer approved`,
          );
      },
    );
    this.#ctx.logger.info(`Key request ${request.id} failed: ${reason}`);
    const failed = await this.#ctx.db.requests.get(request.id);
    if (failed) {
      await notifyRequester({
        notifier: this.#ctx.notifier,
        request: failed,
      });
    }
    return { state: 'failed', reason };
  }
}
