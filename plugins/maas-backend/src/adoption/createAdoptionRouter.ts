import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ConflictError,
  NotAllowedError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { EventsService } from '@backstage/plugin-events-node';
import {
  EntityBinding,
  MODEL_CATALOG_CHANGED_TOPIC,
  ModelCatalogChanged,
  stringifyObjectRef,
} from '@maas-portal/plugin-maas-common';
import {
  AUTH_POLICY,
  AuthPolicy,
  noClusterMessage,
} from '@maas-portal/plugin-maas-node';
import { ClusterState } from '../cluster/ClusterState';
import express from 'express';
import Router from 'express-promise-router';
import { EntityBindings } from '../entities/EntityBindings';
import { ModelLookup } from '../entities/lookupModel';
import { ModelBinding } from '../entities/modelBinding';
import { InferenceServiceBinder } from './InferenceServiceBinder';
import { apiKeySelectors, OutsideKeys } from './OutsideKeys';

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
        canSeeOutsideKeys: isAdmin,
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
 * entity's owner as the model's owner. `GET /models/by-entity/outside-keys` and
 * `POST /models/by-entity/outside-keys/:name/revoke`: admins see and revoke API-key Secrets the
 * model's AuthPolicies select that the portal did not issue.
 */
export function createAdoptionRouter(options: {
  lookupModel: ModelLookup;
  bindings: EntityBindings;
  catalog: CatalogService;
  binder?: InferenceServiceBinder;
  outsideKeys?: OutsideKeys;
  state?: Pick<ClusterState, 'get'>;
  /** Tells the suite's catalog module that a model was adopted. */
  events?: EventsService;
}): express.Router {
  const { lookupModel, bindings, catalog, binder, state } = options;
  const router = Router();

  const requireAdmin = async (
    credentials: BackstageCredentials,
    what: string,
  ) => {
    if (!isUser(credentials) || !(await bindings.isAdmin(credentials)))
      throw new NotAllowedError(
        `${what} takes membership of one of maas.adminGroups`,
      );
  };

  /** The admin's way to a model's keys made outside the portal, and the selectors that find them. */
  const outside = async (req: express.Request) => {
    const { service, credentials, ref } = await lookupModel(req);
    await requireAdmin(credentials, 'Seeing keys made outside the portal');
    if (!options.outsideKeys || !state)
      throw new ServiceUnavailableError(
        noClusterMessage('keys made outside the portal cannot be listed'),
      );
    const policies = service
      .getModel(ref)
      .policies.filter(p => p.kind === 'AuthPolicy')
      .map(p => state.get<AuthPolicy>(AUTH_POLICY, p.namespace, p.name))
      .filter((p): p is AuthPolicy => !!p);
    return { keys: options.outsideKeys, selectors: apiKeySelectors(policies) };
  };

  router.get('/models/by-entity/outside-keys', async (req, res) => {
    const { keys, selectors } = await outside(req);
    res.json(await keys.list(selectors));
  });

  router.post(
    '/models/by-entity/outside-keys/:name/revoke',
    async (req, res) => {
      const { keys, selectors } = await outside(req);
      await keys.revoke(req.params.name, selectors);
      res.status(204).end();
    },
  );

  router.get('/models/by-entity/binding', async (req, res) => {
    const { credentials, ref, binding } = await lookupModel(req);
    const isAdmin =
      isUser(credentials) && (await bindings.isAdmin(credentials));
    res.json(
      bindingView(
        ref.entityRef,
        stringifyObjectRef(ref.inferenceService),
        binding,
        isAdmin,
      ),
    );
  });

  router.post('/models/by-entity/adopt', async (req, res) => {
    const { credentials, ref, binding } = await lookupModel(req);
    const entityRef = ref.entityRef;
    const isvcRef = stringifyObjectRef(ref.inferenceService);
    await requireAdmin(credentials, 'Adopting a model');
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
    // The catalog shows the adopted model at once, as Create model's register step does: the
    // entity is processed again now and the catalog module reads model entities again. The
    // binding is written either way; the catalog's own passes catch up if this fails.
    const changed: ModelCatalogChanged = {
      entityRef,
      inferenceService: isvcRef,
    };
    await Promise.all([
      catalog.refreshEntity(entityRef, { credentials }),
      options.events?.publish({
        topic: MODEL_CATALOG_CHANGED_TOPIC,
        eventPayload: changed,
      }),
    ]).catch(() => undefined);
    const adopted: EntityBinding = {
      entityRef,
      inferenceService: isvcRef,
      bound: true,
      owner: ownerRef,
      canAdopt: false,
      canSeeOutsideKeys: true,
    };
    res.status(201).json(adopted);
  });

  return router;
}
