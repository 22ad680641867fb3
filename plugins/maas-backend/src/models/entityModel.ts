import { stringifyEntityRef } from '@backstage/catalog-model';
import { ServiceUnavailableError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { maasModelReadPermission } from '@maas-portal/plugin-maas-common';
import { noClusterMessage } from '@maas-portal/plugin-maas-node';
import { Request } from 'express';
import { PermissionGate } from '../permissions/PermissionGate';
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
 * named by `?entityRef=`, and the model it stands for.
 */
export function createEntityModelLookup(options: {
  gate: PermissionGate;
  catalog: CatalogService;
  models?: ModelService;
}) {
  const { gate, catalog, models } = options;
  // Entity lookups are reused for a few seconds: a page load asks for the same entity several times.
  const entities = new ModelEntityResolver({ catalog, ttlSeconds: 10 });
  return async (req: Request) => {
    const credentials = await gate.caller(req, ['user', 'service']);
    const entityRef = parseEntityRefParam(req.query.entityRef);
    await gate.require(
      credentials,
      maasModelReadPermission,
      stringifyEntityRef(entityRef),
    );
    const service = requireModelService(models);
    return {
      service,
      credentials,
      ref: await entities.resolve(entityRef, credentials),
    };
  };
}

export type EntityModelLookup = ReturnType<typeof createEntityModelLookup>;
