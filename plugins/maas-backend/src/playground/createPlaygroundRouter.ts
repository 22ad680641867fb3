import { InputError } from '@backstage/errors';
import { ModelQuota } from '@maas-portal/plugin-maas-common';
import express from 'express';
import Router from 'express-promise-router';
import { EntityModelRef } from '../entities/ModelRef';
import { ModelReader } from '../entities/ModelReader';
import { gatewayUserId } from '../gateway/gatewayUserId';
import { ModelLookup } from '../permissions/lookupModel';
import { PlaygroundService, STREAM_IDLE_TIMEOUT_MS } from './PlaygroundService';
import { readPlaygroundRequest } from './readPlaygroundRequest';

/** The usage slice's answer: a user's quota on a model, as the Quota card reads it. */
export type PlaygroundQuota = (request: {
  userId: string;
  userEntityRef: string;
  model: EntityModelRef;
  models: ModelReader;
  /** `offered` for a token of an OIDC model: the caller has no keys, their tier is a claim of the token. */
  tiersOf?: 'working-keys' | 'offered';
}) => Promise<ModelQuota>;

/**
 * `POST /models/by-entity/playground`: a chat completion through the model's own gateway route, with
 * the caller's pasted key or token (maas.model.read on a bound model). The gateway's answer streams
 * back as it comes (Server-Sent Events, or JSON when the model does not stream); a refusal comes back
 * with the gateway's status and what it means (a 5xx of the gateway as 502).
 */
export function createPlaygroundRouter(options: {
  lookupModel: ModelLookup;
  playground: PlaygroundService;
  quotaOf: PlaygroundQuota;
  streamIdleTimeoutMs?: number;
}): express.Router {
  const { lookupModel, playground, quotaOf } = options;
  const idleMs = options.streamIdleTimeoutMs ?? STREAM_IDLE_TIMEOUT_MS;
  const router = Router();

  router.post('/models/by-entity/playground', async (req, res) => {
    const { service, credentials, ref } = await lookupModel(req, {
      requireBound: true,
    });
    const userEntityRef = (credentials.principal as { userEntityRef?: string })
      .userEntityRef;
    if (!userEntityRef)
      throw new InputError(
        'The playground is for a signed-in user: call it as a user',
      );
    const model = service.getModel(ref);
    const input = readPlaygroundRequest(req.body, {
      credentialRequired: model.authMode !== 'none',
    });
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    const outcome = await playground.call({
      model,
      input,
      caller: userEntityRef,
      signal: gone.signal,
      quota: () =>
        quotaOf({
          userId: gatewayUserId(userEntityRef),
          userEntityRef,
          model: ref,
          models: service,
          tiersOf: model.authMode === 'oidc' ? 'offered' : 'working-keys',
        }),
    });
    if (outcome.kind === 'refused') {
      const { refusal } = outcome;
      res.status(refusal.status >= 500 ? 502 : refusal.status).json(refusal);
      return;
    }
    const { upstream } = outcome;
    const streamed = (upstream.headers['content-type'] ?? '').startsWith(
      'text/event-stream',
    );
    res.status(200);
    res.setHeader(
      'Content-Type',
      streamed ? 'text/event-stream' : 'application/json',
    );
    res.setHeader('Cache-Control', 'no-cache, no-store');
    // Proxies in front of the backend must not hold the stream back.
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    await new Promise<void>(resolve => {
      // Cut off when the model pauses too long; the timer restarts with every chunk.
      const idle = setTimeout(() => {
        // Said in the stream's own format: the headers are sent, the status cannot change.
        res.end(
          streamed
            ? `event: error\ndata: ${JSON.stringify({
                message: `The model sent nothing for ${Math.round(
                  idleMs / 1000,
                )} s; the answer was cut off`,
              })}\n\n`
            : undefined,
        );
        upstream.destroy();
        resolve();
      }, idleMs);
      upstream.on('data', chunk => {
        idle.refresh();
        res.write(chunk);
        // Under the root router's compression, each chunk is sent now, not when a buffer fills.
        (res as { flush?: () => void }).flush?.();
      });
      upstream.on('end', () => {
        clearTimeout(idle);
        res.end();
        resolve();
      });
      upstream.on('error', () => {
        clearTimeout(idle);
        res.end(
          streamed
            ? `event: error\ndata: ${JSON.stringify({
                message: 'The connection to the gateway broke mid-answer',
              })}\n\n`
            : undefined,
        );
        resolve();
      });
    });
  });

  return router;
}
