import { stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, ServiceUnavailableError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { maasModelReadPermission } from '@maas-portal/plugin-maas-common';
import { noClusterMessage } from '@maas-portal/plugin-maas-node';
import { Request } from 'express';
import { PermissionGate } from '../permissions/PermissionGate';
import { EntityBindings } from './EntityBindings';
import { ModelEntityResolver } from './ModelEntityResolver';
import { ModelService } from './ModelService';
import { parseEntityRefParam } from './resolveModelEntity';

/** The model service, or 503 with how to connect a cluster when there is none. */
export function requireModelService(models?: ModelService): ModelService {
  if (!models) throw new ServiceUnavailableError(noClusterMessage());
  return models;
}

/**
 * What every route about one model starts with: the caller, `maas.model.read` on the entity
 * named by `?entityRef=`, and the model it stands for. With `requireBound`, the model's
 * InferenceService must name the entity back (409 saying why not), as for usage and keys.
 */
export function createEntityModelLookup(options: {
  gate: PermissionGate;
  catalog: CatalogService;
  models?: ModelService;
  bindings: EntityBindings;
}) {
  const { gate, catalog, models, bindings } = options;
  // Entity lookups are reused for a few seconds: a page load asks for the same entity several times.
  const entities = new ModelEntityResolver({ catalog, ttlSeconds: 10 });
  return async (req: Request, lookup: { requireBound?: boolean } = {}) => {
    const credentials = await gate.caller(req, ['user', 'service']);
    const entityRef = parseEntityRefParam(req.query.entityRef);
    await gate.require(
      credentials,
      maasModelReadPermission,
      stringifyEntityRef(entityRef),
    );
    const service = requireModelService(models);
    const ref = await entities.resolve(entityRef, credentials);
    const binding = bindings.of({ ...ref, entityRef: ref.entityRef! });
    if (lookup.requireBound && !binding.bound)
      throw new ConflictError(binding.reason);
    return { service, credentials, ref, binding };
  };
}

export type EntityModelLookup = ReturnType<typeof createEntityModelLookup>;
