import {
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  ApiKey,
  DecisionResult,
  KeyRequest,
  maasAuditReadPermission,
  maasKeyApprovePermission,
  maasKeyReadPermission,
  maasKeyRequestPermission,
  maasKeyRevokePermission,
} from '@maas-portal/plugin-maas-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import {
  parseEntityRefParam,
  resolveModelEntity,
} from '../service/models/resolveModelEntity';
import { KeyService } from './KeyService';
import { KEY_REQUEST_STATES } from './requestStateMachine';

export interface KeysRouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  keys: KeyService;
  /** Fills in when keys were last used, where the metrics allow; keys unchanged otherwise. */
  lastUse?: (keys: ApiKey[]) => Promise<ApiKey[]>;
}

const createRequestBody = z.object({
  entityRef: z.string().min(1).max(400),
  tier: z.string().min(1).max(100),
  reason: z.string(),
  expiresInDays: z.number().int().positive().optional(),
});

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

function queryString(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string')
    throw new InputError(`${name} must be given once`);
  return value;
}

function queryFlag(req: Request, name: string): boolean {
  const value = queryString(req, name);
  if (value === undefined || value === 'false') return false;
  if (value === 'true' || value === '') return true;
  throw new InputError(`${name} must be true or false`);
}

function optionalEntityRef(req: Request): string | undefined {
  const value = queryString(req, 'entityRef');
  return value === undefined
    ? undefined
    : stringifyEntityRef(parseEntityRefParam(value));
}

/**
 * Routes of the API-key flow. Every route authenticates a user; permissions are resource
 * permissions on the model's catalog entity, checked in one batch when many entities are involved.
 * One's own requests and keys are always visible; others' need maas.key.read (or maas.key.approve
 * for requests).
 */
export async function createKeysRouter(
  options: KeysRouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, catalog, keys } = options;
  const router = Router();
  router.use(express.json());

  async function user(req: Request): Promise<{
    credentials: BackstageCredentials<BackstageUserPrincipal>;
    userRef: string;
  }> {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    return { credentials, userRef: credentials.principal.userEntityRef };
  }

  /** The entities among `entityRefs` on which `permission` is allowed: one batched call. */
  async function allowedOn(
    credentials: BackstageCredentials,
    permission: ResourcePermission,
    entityRefs: string[],
  ): Promise<Set<string>> {
    const unique = [...new Set(entityRefs)];
    if (unique.length === 0) return new Set();
    const decisions = await permissions.authorize(
      unique.map(resourceRef => ({ permission, resourceRef })),
      { credentials },
    );
    return new Set(
      unique.filter((_, i) => decisions[i].result === AuthorizeResult.ALLOW),
    );
  }

  async function requireOn(
    credentials: BackstageCredentials,
    permission: ResourcePermission,
    entityRef: string,
  ) {
    if (
      !(await allowedOn(credentials, permission, [entityRef])).has(entityRef)
    ) {
      throw new NotAllowedError(
        `You lack the ${permission.name} permission on ${entityRef}`,
      );
    }
  }

  /** Own items always; others' where one of `permissionsForOthers` is allowed on their entity. */
  async function visible<
    T extends { userEntityRef: string; entityRef: string },
  >(
    credentials: BackstageCredentials,
    userRef: string,
    items: T[],
    permissionsForOthers: ResourcePermission[],
  ): Promise<T[]> {
    const foreign = items
      .filter(i => i.userEntityRef !== userRef)
      .map(i => i.entityRef);
    const allowed = new Set<string>();
    for (const permission of permissionsForOthers) {
      const pending = foreign.filter(ref => !allowed.has(ref));
      for (const ref of await allowedOn(credentials, permission, pending))
        allowed.add(ref);
    }
    return items.filter(
      i => i.userEntityRef === userRef || allowed.has(i.entityRef),
    );
  }

  router.post('/keys/requests', async (req, res) => {
    const { credentials, userRef } = await user(req);
    const body = parseBody(createRequestBody, req.body);
    const entityRef = parseEntityRefParam(body.entityRef);
    await requireOn(
      credentials,
      maasKeyRequestPermission,
      stringifyEntityRef(entityRef),
    );
    const model = await resolveModelEntity(catalog, entityRef, credentials);
    const result = await keys.createRequest({
      model: {
        entityRef: model.entityRef!,
        inferenceService: model.inferenceService,
      },
      userEntityRef: userRef,
      tier: body.tier,
      reason: body.reason,
      expiresInDays: body.expiresInDays,
    });
    res.status(201).json(result);
  });

  router.get('/keys/requests', async (req, res) => {
    const { credentials, userRef } = await user(req);
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
    const requests = await keys.listRequests({
      entityRef,
      state: state as KeyRequest['state'] | undefined,
      userEntityRef: mine ? userRef : undefined,
    });
    const shown = await visible(credentials, userRef, requests, [
      maasKeyApprovePermission,
      maasKeyReadPermission,
    ]);
    const decidable = await allowedOn(
      credentials,
      maasKeyApprovePermission,
      shown.filter(r => r.state === 'pending').map(r => r.entityRef),
    );
    res.json(
      shown.map(r => ({
        ...r,
        canDecide: r.state === 'pending' && decidable.has(r.entityRef),
      })),
    );
  });

  router.post('/keys/requests/decisions', async (req, res) => {
    const { credentials, userRef } = await user(req);
    const body = parseBody(decisionsBody, req.body);
    const ids = [...new Set(body.ids)];
    const found = new Map<string, KeyRequest>();
    for (const id of ids) {
      const request = await keys.store.getRequest(id);
      if (request) found.set(id, request);
    }
    const allowed = await allowedOn(
      credentials,
      maasKeyApprovePermission,
      [...found.values()].map(r => r.entityRef),
    );
    const results: DecisionResult[] = [];
    for (const id of ids) {
      const request = found.get(id);
      if (!request) {
        results.push({ id, ok: false, error: `No key request ${id}` });
        continue;
      }
      if (!allowed.has(request.entityRef)) {
        results.push({
          id,
          ok: false,
          error: `You lack the ${maasKeyApprovePermission.name} permission on ${request.entityRef}`,
        });
        continue;
      }
      try {
        const outcome = await keys.decide(
          id,
          body.decision,
          userRef,
          body.comment,
        );
        results.push({
          id,
          ok: true,
          request: outcome.request,
          ...(outcome.warning ? { warning: outcome.warning } : {}),
        });
      } catch (error) {
        results.push({ id, ok: false, error: (error as Error).message });
      }
    }
    res.json(results);
  });

  router.post('/keys/requests/:id/cancel', async (req, res) => {
    const { userRef } = await user(req);
    res.json(await keys.cancel(req.params.id, userRef));
  });

  router.get('/keys', async (req, res) => {
    const { credentials, userRef } = await user(req);
    const entityRef = optionalEntityRef(req);
    const mine = queryFlag(req, 'mine');
    const list: ApiKey[] = await keys.listKeys({
      entityRef,
      userEntityRef: mine ? userRef : undefined,
    });
    const shown = await visible(credentials, userRef, list, [
      maasKeyReadPermission,
    ]);
    res.json(options.lastUse ? await options.lastUse(shown) : shown);
  });

  router.post('/keys/:id/reveal', async (req, res) => {
    const { userRef } = await user(req);
    res.json(await keys.reveal(req.params.id, userRef));
  });

  router.post('/keys/:id/revoke', async (req, res) => {
    const { credentials, userRef } = await user(req);
    const key = await keys.getKey(req.params.id);
    const mayRevokeOthers =
      key.userEntityRef !== userRef &&
      (
        await allowedOn(credentials, maasKeyRevokePermission, [key.entityRef])
      ).has(key.entityRef);
    res.json(await keys.revoke(key.id, userRef, { mayRevokeOthers }));
  });

  router.post('/keys/:id/rotate', async (req, res) => {
    const { userRef } = await user(req);
    res.status(201).json(await keys.rotate(req.params.id, userRef));
  });

  router.post('/keys/:id/tier-change', async (req, res) => {
    const { credentials, userRef } = await user(req);
    const body = parseBody(tierChangeBody, req.body);
    const key = await keys.getKey(req.params.id);
    if (key.userEntityRef === userRef) {
      await requireOn(credentials, maasKeyRequestPermission, key.entityRef);
    }
    res.status(201).json(
      await keys.requestTierChange({
        keyId: key.id,
        tier: body.tier,
        reason: body.reason,
        actor: userRef,
      }),
    );
  });

  router.get('/audit', async (req, res) => {
    const { credentials } = await user(req);
    const [decision] = await permissions.authorize(
      [{ permission: maasAuditReadPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You lack the ${maasAuditReadPermission.name} permission`,
      );
    }
    const limitParam = queryString(req, 'limit');
    const limit = limitParam === undefined ? 100 : Number(limitParam);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      throw new InputError('limit must be a whole number from 1 to 1000');
    }
    res.json(
      await keys.listAudit({ entityRef: optionalEntityRef(req), limit }),
    );
  });

  return router;
}
