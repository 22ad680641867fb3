import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, ServiceUnavailableError } from '@backstage/errors';
import { maasModelReadPermission } from '@maas-portal/plugin-maas-common';
import { noClusterMessage } from '@maas-portal/plugin-maas-node';
import { Request } from 'express';
import { PermissionGate } from './PermissionGate';
import { EntityBindings } from '../entities/EntityBindings';
import { ModelReader } from '../entities/ModelReader';
import { ModelRefCache } from '../entities/ModelRefCache';
import { parseEntityRefParam } from '../entities/readModelRef';

/** The models slice, or 503 with how to connect a cluster when there is none. */
export function requireModels<T extends ModelReader>(models?: T): T {
  if (!models) throw new ServiceUnavailableError(noClusterMessage());
  return models;
}

/**
 * What every route and action about one model starts with, for credentials already authenticated:
 * `maas.model.read` on the entity `entityRef` names, and the model it stands for. With
 * `requireBound`, the model's InferenceService must name the entity back (409 saying why not), as
 * for usage and keys.
 */
export function createModelLookupAs(options: {
  gate: PermissionGate;
  /** The entity cache, shared with the keys router. */
  modelRefs: ModelRefCache;
  models?: ModelReader;
  bindings: EntityBindings;
}) {
  const { gate, modelRefs, models, bindings } = options;
  return async (
    credentials: BackstageCredentials,
    entityRefParam: unknown,
    lookup: { requireBound?: boolean } = {},
  ) => {
    const entityRef = parseEntityRefParam(entityRefParam);
    await gate.require(
      credentials,
      maasModelReadPermission,
      stringifyEntityRef(entityRef),
    );
    const service = requireModels(models);
    const ref = await modelRefs.read(entityRef, credentials);
    const binding = bindings.of(ref);
    if (lookup.requireBound && !binding.bound)
      throw new ConflictError(binding.reason);
    return { service, credentials, ref, binding };
  };
}

export type ModelLookupAs = ReturnType<typeof createModelLookupAs>;

/**
 * What every route about one model starts with: the caller, then {@link createModelLookupAs} on the
 * entity named by `?entityRef=`.
 */
export function createModelLookup(
  options: Parameters<typeof createModelLookupAs>[0],
) {
  const lookupAs = createModelLookupAs(options);
  return async (req: Request, lookup: { requireBound?: boolean } = {}) =>
    lookupAs(
      await options.gate.caller(req, ['user', 'service']),
      req.query.entityRef,
      lookup,
    );
}

export type ModelLookup = ReturnType<typeof createModelLookup>;
