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
  OutsideKey,
  stringifyObjectRef,
} from '@maas-portal/plugin-maas-common';
import {
  AUTH_POLICY,
  AuthPolicy,
  noClusterMessage,
} from '@maas-portal/plugin-maas-node';
import { ClusterState } from '../cluster/ClusterState';
import { EntityBindings } from '../entities/EntityBindings';
import { ModelBinding } from '../entities/modelBinding';
import { EntityModelRef } from '../entities/ModelRef';
import { ModelReader } from '../entities/ModelReader';
import { InferenceServiceBinder } from './InferenceServiceBinder';
import { ApiKeySelector, apiKeySelectors, OutsideKeys } from './OutsideKeys';

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
 * Whether a model's InferenceService names its entity back, and what admins (`maas.adminGroups`)
 * do about models deployed outside the portal: adopt one for its entity, with the entity's owner as
 * the model's owner, and see and revoke the API-key Secrets its AuthPolicies select that the portal
 * did not issue.
 */
export class AdoptionService {
  readonly #bindings: Pick<EntityBindings, 'isAdmin' | 'inferenceService'>;
  readonly #catalog: CatalogService;
  readonly #binder?: Pick<InferenceServiceBinder, 'bind'>;
  readonly #outsideKeys?: OutsideKeys;
  readonly #state?: Pick<ClusterState, 'get'>;
  readonly #events?: EventsService;

  constructor(options: {
    bindings: Pick<EntityBindings, 'isAdmin' | 'inferenceService'>;
    catalog: CatalogService;
    /** Writes bindings on InferenceServices; absent without a cluster. */
    binder?: Pick<InferenceServiceBinder, 'bind'>;
    /** Key Secrets made outside the portal; absent without a cluster. */
    outsideKeys?: OutsideKeys;
    state?: Pick<ClusterState, 'get'>;
    /** Tells the suite's catalog module that a model was adopted. */
    events?: EventsService;
  }) {
    this.#bindings = options.bindings;
    this.#catalog = options.catalog;
    this.#binder = options.binder;
    this.#outsideKeys = options.outsideKeys;
    this.#state = options.state;
    this.#events = options.events;
  }

  async #requireAdmin(credentials: BackstageCredentials, what: string) {
    if (!isUser(credentials) || !(await this.#bindings.isAdmin(credentials)))
      throw new NotAllowedError(
        `${what} takes membership of one of maas.adminGroups`,
      );
  }

  /** The binding as the caller sees it: an admin may adopt, and see keys made outside. */
  async view(
    credentials: BackstageCredentials,
    ref: EntityModelRef,
    binding: ModelBinding,
  ): Promise<EntityBinding> {
    const isAdmin =
      isUser(credentials) && (await this.#bindings.isAdmin(credentials));
    return bindingView(
      ref.entityRef,
      stringifyObjectRef(ref.inferenceService),
      binding,
      isAdmin,
    );
  }

  /**
   * Binds the model to its entity (an admin's act); `adopted: false` when it was bound already.
   * The catalog is told at once, as Create model's register step does.
   */
  async adopt(
    credentials: BackstageCredentials,
    ref: EntityModelRef,
    binding: ModelBinding,
  ): Promise<{ adopted: boolean; binding: EntityBinding }> {
    const { entityRef } = ref;
    const isvcRef = stringifyObjectRef(ref.inferenceService);
    await this.#requireAdmin(credentials, 'Adopting a model');
    if (binding.bound) {
      return {
        adopted: false,
        binding: bindingView(entityRef, isvcRef, binding, true),
      };
    }
    if (!binding.adoptable) throw new ConflictError(binding.reason);
    if (!this.#binder)
      throw new ServiceUnavailableError(
        noClusterMessage('models cannot be adopted'),
      );
    const entity = await this.#catalog.getEntityByRef(
      parseEntityRef(entityRef),
      { credentials },
    );
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
    const isvc = this.#bindings.inferenceService(ref);
    await this.#binder.bind(
      ref.inferenceService,
      isvc?.metadata.resourceVersion,
      { entityRef, owner: ownerRef },
    );
    // The catalog shows the adopted model at once, as Create model's register step does: the
    // entity is processed again now and the catalog module reads model entities again. The
    // binding is written either way; the catalog's own passes catch up if this fails.
    const changed: ModelCatalogChanged = {
      entityRef,
      inferenceService: isvcRef,
    };
    await Promise.all([
      this.#catalog.refreshEntity(entityRef, { credentials }),
      this.#events?.publish({
        topic: MODEL_CATALOG_CHANGED_TOPIC,
        eventPayload: changed,
      }),
    ]).catch(() => undefined);
    return {
      adopted: true,
      binding: {
        entityRef,
        inferenceService: isvcRef,
        bound: true,
        owner: ownerRef,
        canAdopt: false,
        canSeeOutsideKeys: true,
      },
    };
  }

  /** The API-key Secrets the model's AuthPolicies select that the portal did not issue (admins). */
  async listOutsideKeys(
    credentials: BackstageCredentials,
    ref: EntityModelRef,
    models: Pick<ModelReader, 'getModel'>,
  ): Promise<OutsideKey[]> {
    const { keys, selectors } = await this.#outside(credentials, ref, models);
    return keys.list(selectors);
  }

  /** Revokes one of {@link AdoptionService.listOutsideKeys} (admins). */
  async revokeOutsideKey(
    credentials: BackstageCredentials,
    ref: EntityModelRef,
    models: Pick<ModelReader, 'getModel'>,
    name: string,
  ): Promise<void> {
    const { keys, selectors } = await this.#outside(credentials, ref, models);
    await keys.revoke(name, selectors);
  }

  /** The admin's way to a model's keys made outside the portal, and the selectors that find them. */
  async #outside(
    credentials: BackstageCredentials,
    ref: EntityModelRef,
    models: Pick<ModelReader, 'getModel'>,
  ): Promise<{ keys: OutsideKeys; selectors: ApiKeySelector[] }> {
    await this.#requireAdmin(
      credentials,
      'Seeing keys made outside the portal',
    );
    const state = this.#state;
    if (!this.#outsideKeys || !state)
      throw new ServiceUnavailableError(
        noClusterMessage('keys made outside the portal cannot be listed'),
      );
    const policies = models
      .getModel(ref)
      .policies.filter(p => p.kind === 'AuthPolicy')
      .map(p => state.get<AuthPolicy>(AUTH_POLICY, p.namespace, p.name))
      .filter((p): p is AuthPolicy => !!p);
    return { keys: this.#outsideKeys, selectors: apiKeySelectors(policies) };
  }
}
