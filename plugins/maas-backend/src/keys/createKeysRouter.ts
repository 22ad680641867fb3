import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  KeyRequest,
  maasAuditReadPermission,
} from '@maas-portal/plugin-maas-common';
import express, { Request, Response } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { ModelRefCache } from '../entities/ModelRefCache';
import { KeyAccess } from '../permissions/keyAccess';
import { PermissionGate } from '../permissions/PermissionGate';
import { parseEntityRefParam } from '../entities/readModelRef';
import { KeyServices } from './createKeyServices';
import { KEY_REQUEST_STATES } from './requestStateMachine';
import { databaseUnavailable } from './store/databaseUnavailable';
import { pageQuery, queryFlag, queryString, sendPage } from './listQuery';

export interface KeysRouterOptions {
  gate: PermissionGate;
  /** The entity cache every route about a model reads entities through. */
  modelRefs: ModelRefCache;
  keys: KeyServices;
  /** Who may act on which key or request. */
  keyAccess: KeyAccess;
}

const createRequestBody = z.object({
  entityRef: z.string().min(1).max(400),
  tier: z.string().min(1).max(100),
  reason: z.string(),
  expiresInDays: z.number().int().positive().optional(),
  name: z.string().max(200).optional(),
});

const renameBody = z.object({ name: z.string().max(200) });

const decisionsBody = z.object({
  ids: z.array(z.string().min(1).max(64)).min(1).max(100),
  decision: z.enum(['approve', 'reject']),
  comment: z.string().max(2000).optional(),
});

const tierChangeBody = z.object({
  tier: z.string().min(1).max(100),
  reason: z.string(),
});

function parseBody<T extends z.ZodTypeAny>(
  schema: T,
  body: unknown,
): z.infer<T> {
  const result = schema.safeParse(body ?? {});
  if (!result.success) {
    const problems = result.error.issues
      .map(i => `${i.path.join('.') || 'body'}: ${i.message}`)
      .join('; ');
    throw new InputError(`Invalid request body: ${problems}`);
  }
  return result.data;
}

function optionalEntityRef(req: Request): string | undefined {
  const value = queryString(req, 'entityRef');
  return value === undefined
    ? undefined
    : stringifyEntityRef(parseEntityRefParam(value));
}

/**
 * Routes of the API-key flow. Every route authenticates a user through the permission gate;
 * who may act on which key or request is decided by {@link KeyAccess}, with resource
 * permissions on the model's catalog entity, checked in one batch when a list is filtered.
 */
export async function createKeysRouter(
  options: KeysRouterOptions,
): Promise<express.Router> {
  const { gate, modelRefs, keyAccess: access } = options;
  const { requests, operations, audit } = options.keys;
  const router = Router();

  router.post('/keys/requests', async (req, res) => {
    const { credentials, userRef } = await gate.user(req);
    const body = parseBody(createRequestBody, req.body);
    const entityRef = parseEntityRefParam(body.entityRef);
    await access.requireRequest(credentials, stringifyEntityRef(entityRef));
    const model = await modelRefs.read(entityRef, credentials);
    const result = await requests.askForKey({
      model,
      userEntityRef: userRef,
      tier: body.tier,
      reason: body.reason,
      expiresInDays: body.expiresInDays,
      name: body.name,
    });
    res.status(201).json(result);
  });

  router.get('/keys/requests', async (req, res) => {
    const { credentials, userRef } = await gate.user(req);
    const entityRef = optionalEntityRef(req);
    const state = queryString(req, 'state');
    if (
      state !== undefined &&
      !KEY_REQUEST_STATES.includes(state as KeyRequest['state'])
    ) {
      throw new InputError(
        `state must be one of ${KEY_REQUEST_STATES.join(', ')}`,
      );
    }
    const mine = queryFlag(req, 'mine');
    const { limit, cursor } = pageQuery(req);
    sendPage(
      res,
      await requests.listPage({
        filter: {
          entityRef,
          state: state as KeyRequest['state'] | undefined,
          userEntityRef: mine ? userRef : undefined,
        },
        limit,
        cursor,
        visible: rows => access.visibleRequests(credentials, userRef, rows),
      }),
    );
  });

  router.post('/keys/requests/decisions', async (req, res) => {
    const { credentials, userRef } = await gate.user(req);
    const body = parseBody(decisionsBody, req.body);
    if (body.decision === 'reject' && !body.comment?.trim()) {
      throw new InputError(
        'A rejection needs a comment: say why, the requesters read it as the reason',
      );
    }
    res.json(
      await requests.decideEach({
        ids: body.ids,
        decision: body.decision,
        actor: userRef,
        comment: body.comment,
        refusalOf: found => access.deciding(credentials, userRef, found),
      }),
    );
  });

  router.post('/keys/requests/:id/cancel', async (req, res) => {
    const { userRef } = await gate.user(req);
    const request = await requests.getRequest(req.params.id);
    access.requireRequester(request, userRef);
    res.json(await requests.cancel(request, userRef));
  });

  router.get('/keys', async (req, res) => {
    const { credentials, userRef } = await gate.user(req);
    const entityRef = optionalEntityRef(req);
    const mine = queryFlag(req, 'mine');
    const { limit, cursor } = pageQuery(req);
    sendPage(
      res,
      await operations.listPage({
        filter: { entityRef, userEntityRef: mine ? userRef : undefined },
        limit,
        cursor,
        visible: rows => access.visibleKeys(credentials, userRef, rows),
      }),
    );
  });

  router.post('/keys/:id/reveal', async (req, res) => {
    const { userRef } = await gate.user(req);
    const key = await operations.getKey(req.params.id);
    access.requireOwner(key, userRef, 'see');
    res.json(await operations.reveal(key, userRef));
  });

  router.post('/keys/:id/revoke', async (req, res) => {
    const { credentials, userRef } = await gate.user(req);
    const key = await operations.getKey(req.params.id);
    await access.requireRevoke(credentials, key, userRef);
    res.json(await operations.revoke(key, userRef));
  });

  router.post('/keys/:id/rotate', async (req, res) => {
    const { userRef } = await gate.user(req);
    const key = await operations.getKey(req.params.id);
    access.requireOwner(key, userRef, 'rotate');
    res.status(201).json(await operations.rotate(key, userRef));
  });

  router.post('/keys/:id/name', async (req, res) => {
    const { userRef } = await gate.user(req);
    const body = parseBody(renameBody, req.body);
    const key = await operations.getKey(req.params.id);
    access.requireOwner(key, userRef, 'rename');
    res.json(await operations.rename(key, body.name, userRef));
  });

  router.post('/keys/:id/tier-change', async (req, res) => {
    const { credentials, userRef } = await gate.user(req);
    const body = parseBody(tierChangeBody, req.body);
    const key = await operations.getKey(req.params.id);
    await access.requireTierChange(credentials, key, userRef);
    res.status(201).json(
      await requests.askForTierChange({
        key,
        tier: body.tier,
        reason: body.reason,
        actor: userRef,
      }),
    );
  });

  router.get('/audit', async (req, res) => {
    const { credentials } = await gate.user(req);
    await gate.require(credentials, maasAuditReadPermission);
    const { limit, cursor } = pageQuery(req, 1000);
    sendPage(
      res,
      await audit.page({ entityRef: optionalEntityRef(req), limit, cursor }),
    );
  });

  // Any route: a database that does not answer is a 503 that says so, not a 500.
  router.use(
    (
      error: unknown,
      _req: Request,
      _res: Response,
      next: express.NextFunction,
    ) => next(databaseUnavailable(error) ?? error),
  );

  return router;
}
