import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  maasUsageReadAllPermission,
  USAGE_RANGES,
  UsageRange,
} from '@maas-portal/plugin-maas-common';
import { Request } from 'express';
import { gatewayUserId } from '../gateway/gatewayUserId';
import { ModelLookup } from '../permissions/lookupModel';
import { PermissionGate } from '../permissions/PermissionGate';
import { countedRoute } from './countedRoute';

/** The id the gateway knows the signed-in user by; undefined for a service. */
export function callerUserId(
  credentials: BackstageCredentials,
): string | undefined {
  const principal = credentials.principal as { userEntityRef?: string };
  return principal.userEntityRef
    ? gatewayUserId(principal.userEntityRef)
    : undefined;
}

/**
 * `?range=` and `?scope=` of a usage read, checked: one's own (`user`), or everyone's (`all`)
 * with maas.usage.read-all on the model, which is then the default.
 */
export async function usageScope(
  req: Request,
  gate: PermissionGate,
  credentials: BackstageCredentials,
  entityRef: string,
): Promise<{ range: UsageRange; scope: 'user' | 'all'; userId?: string }> {
  const range = (req.query.range ?? '24h') as UsageRange;
  if (!USAGE_RANGES.includes(range)) {
    throw new InputError(`range must be one of ${USAGE_RANGES.join(', ')}`);
  }
  const scopeParam = req.query.scope;
  if (
    scopeParam !== undefined &&
    scopeParam !== 'user' &&
    scopeParam !== 'all'
  ) {
    throw new InputError('scope must be "user" or "all"');
  }
  const readAll = await gate.decide(
    credentials,
    maasUsageReadAllPermission,
    entityRef,
  );
  if (scopeParam === 'all' && !readAll.allowed) {
    throw new NotAllowedError(readAll.reason);
  }
  const scope = scopeParam ?? (readAll.allowed ? 'all' : 'user');
  const userId = callerUserId(credentials);
  if (scope === 'user' && !userId) {
    throw new InputError(
      'Only a signed-in user has usage of their own; ask for scope=all',
    );
  }
  return { range, scope, userId };
}

/**
 * A usage read of one model, as the usage and refusal routes start it: the model looked up (bound
 * to its entity, `maas.model.read` checked), its `?range=` and `?scope=` checked, and the route
 * Limitador counts it on.
 */
export async function modelUsageRequest(
  req: Request,
  gate: PermissionGate,
  lookupModel: ModelLookup,
) {
  const { service, credentials, ref } = await lookupModel(req, {
    requireBound: true,
  });
  return {
    ...(await usageScope(req, gate, credentials, ref.entityRef)),
    counted: countedRoute(service, ref),
  };
}
