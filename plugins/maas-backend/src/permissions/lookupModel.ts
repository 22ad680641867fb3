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
 * What every route about one model starts with: the caller, `maas.model.read` on the entity
 * named by `?entityRef=`, and the model it stands for. With `requireBound`, the model's
 * InferenceService must name the entity back (409 saying why not), as for usage and keys.
 */
export function createModelLookup(options: {
  gate: PermissionGate;
  /** The entity cache, shared with the keys router. */
  modelRefs: ModelRefCache;
  models?: ModelReader;
  bindings: EntityBindings;
}) {
  const { gate, modelRefs, models, bindings } = options;
  return async (req: Request, lookup: { requireBound?: boolean } = {}) => {
    const credentials = await gate.caller(req, ['user', 'service']);
    const entityRef = parseEntityRefParam(req.query.entityRef);
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

export type ModelLookup = ReturnType<typeof createModelLookup>;
