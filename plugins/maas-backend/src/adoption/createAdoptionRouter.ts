import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ConflictError,
  NotAllowedError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  EntityBinding,
  stringifyObjectRef,
} from '@maas-portal/plugin-maas-common';
import { noClusterMessage } from '@maas-portal/plugin-maas-node';
import express from 'express';
import Router from 'express-promise-router';
import { EntityBindings } from '../models/EntityBindings';
import { EntityModelLookup } from '../models/entityModel';
import { ModelBinding } from '../models/modelBinding';
import { InferenceServiceBinder } from './InferenceServiceBinder';

const isUser = (credentials: BackstageCredentials) =>
  (credentials.principal as { type?: string }).type === 'user';

function bindingView(
  entityRef: string,
  inferenceService: string,
  binding: ModelBinding,
  isAdmin: boolean,
): EntityBinding {
  return binding.bound
    ? {
        entityRef,
        inferenceService,
        bound: true,
        owner: binding.owner,
        canAdopt: false,
      }
    : {
        entityRef,
        inferenceService,
        bound: false,
        reason: binding.reason,
        canAdopt: binding.adoptable && isAdmin,
      };
}

/**
 * `GET /models/by-entity/binding`: whether the model's InferenceService names the entity back
 * (the Usage tab shows nothing else when not). `POST /models/by-entity/adopt`: an admin
 * (`maas.adminGroups`) binds a model deployed outside the portal to the entity, with the
 * entity's owner as the model's owner.
 */
export function createAdoptionRouter(options: {
  entityModel: EntityModelLookup;
  bindings: EntityBindings;
  catalog: CatalogService;
  binder?: InferenceServiceBinder;
}): express.Router {
  const { entityModel, bindings, catalog, binder } = options;
  const router = Router();

  router.get('/models/by-entity/binding', async (req, res) => {
    const { credentials, ref, binding } = await entityModel(req);
    const isAdmin =
      isUser(credentials) && (await bindings.isAdmin(credentials));
    res.json(
      bindingView(
        ref.entityRef!,
        stringifyObjectRef(ref.inferenceService),
        binding,
        isAdmin,
      ),
    );
  });

  router.post('/models/by-entity/adopt', async (req, res) => {
    const { credentials, ref, binding } = await entityModel(req);
    const entityRef = ref.entityRef!;
    const isvcRef = stringifyObjectRef(ref.inferenceService);
    if (!isUser(credentials) || !(await bindings.isAdmin(credentials))) {
      throw new NotAllowedError(
        `Adopting a model takes membership of one of maas.adminGroups`,
      );
    }
    if (binding.bound) {
      res.json(bindingView(entityRef, isvcRef, binding, true));
      return;
    }
    if (!binding.adoptable) throw new ConflictError(binding.reason);
    if (!binder)
      throw new ServiceUnavailableError(
        noClusterMessage('models cannot be adopted'),
      );
    const entity = await catalog.getEntityByRef(parseEntityRef(entityRef), {
      credentials,
    });
    const owner = entity?.spec?.owner;
    if (typeof owner !== 'string' || !owner) {
      throw new ConflictError(
        `${entityRef} has no spec.owner; give it one in the catalog before adopting ${isvcRef}`,
      );
    }
    const ownerRef = stringifyEntityRef(
      parseEntityRef(owner, {
        defaultKind: 'group',
        defaultNamespace: entity!.metadata.namespace ?? 'default',
      }),
    );
    const isvc = bindings.inferenceService({ ...ref, entityRef });
    await binder.bind(ref.inferenceService, isvc?.metadata.resourceVersion, {
      entityRef,
      owner: ownerRef,
    });
    const adopted: EntityBinding = {
      entityRef,
      inferenceService: isvcRef,
      bound: true,
      owner: ownerRef,
      canAdopt: false,
    };
    res.status(201).json(adopted);
  });

  return router;
}
