import {
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { ConflictError, ServiceUnavailableError } from '@backstage/errors';
import {
  MAAS_BOUND_ENTITY_ANNOTATION,
  MAAS_MODEL_OWNER_ANNOTATION,
  stringifyObjectRef,
} from '@maas-portal/plugin-maas-common';
import {
  INFERENCE_SERVICE,
  InferenceService,
  noClusterMessage,
} from '@maas-portal/plugin-maas-node';
import { ClusterState } from '../cluster/ClusterState';
import { CacheStatus } from '../cluster/ResourceCache';
import { bindingOf, ModelBinding } from './modelBinding';
import { EntityModelRef } from './ModelRef';

/** 503: the InferenceServices are not read yet, or the cluster does not answer. */
const notReadYet = (cache: CacheStatus) =>
  new ServiceUnavailableError(
    cache.failure?.message ??
      'The portal is still reading InferenceServices from the cluster; try again in a moment',
  );

/**
 * Which entity a model is, as the cluster says (see {@link bindingOf}), and who decides its key
 * requests: the owner the InferenceService records, and members of `maas.adminGroups`.
 */
export class EntityBindings {
  readonly #state?: Pick<ClusterState, 'get' | 'list' | 'status'>;
  readonly #userInfo: UserInfoService;
  readonly #adminGroups: Set<string>;

  constructor(options: {
    /** The watch caches; absent without a cluster, and then no entity is bound. */
    state?: Pick<ClusterState, 'get' | 'list' | 'status'>;
    userInfo: UserInfoService;
    adminGroups: string[];
  }) {
    this.#state = options.state;
    this.#userInfo = options.userInfo;
    this.#adminGroups = new Set(options.adminGroups);
  }

  /** The InferenceService an entity points at, from the watch cache. */
  inferenceService(ref: EntityModelRef): InferenceService | undefined {
    const { namespace, name } = ref.inferenceService;
    return this.#state?.get<InferenceService>(
      INFERENCE_SERVICE,
      namespace,
      name,
    );
  }

  of(ref: EntityModelRef): ModelBinding {
    if (!this.#state) {
      return {
        bound: false,
        adoptable: false,
        reason: noClusterMessage('no model can be bound to its entity'),
      };
    }
    const isvc = this.inferenceService(ref);
    const cache = this.#state.status(INFERENCE_SERVICE);
    // Not read yet, or the cluster does not answer: no verdict rather than a wrong one.
    if (!isvc && !cache.syncedAt) throw notReadYet(cache);
    return bindingOf(
      isvc,
      ref.entityRef,
      stringifyObjectRef(ref.inferenceService),
    );
  }

  /** The binding, or a ConflictError saying why the entity is not bound and what to do. */
  require(ref: EntityModelRef): ModelBinding & { bound: true } {
    const binding = this.of(ref);
    if (!binding.bound) throw new ConflictError(binding.reason);
    return binding;
  }

  /** The user's entity ref and the groups they belong to (Backstage's ownership refs). */
  async claims(credentials: BackstageCredentials): Promise<string[]> {
    const info = await this.#userInfo.getUserInfo(credentials);
    return info.ownershipEntityRefs;
  }

  async isAdmin(credentials: BackstageCredentials): Promise<boolean> {
    return (await this.claims(credentials)).some(c => this.#adminGroups.has(c));
  }

  /** Every model whose InferenceService names its entity; none without a cluster or before the first read. */
  boundModels(): EntityModelRef[] {
    return (
      this.#state?.list<InferenceService>(INFERENCE_SERVICE) ?? []
    ).flatMap(isvc => {
      const entityRef =
        isvc.metadata.annotations?.[MAAS_BOUND_ENTITY_ANNOTATION];
      if (!entityRef) return [];
      return [
        {
          entityRef,
          inferenceService: {
            namespace: isvc.metadata.namespace!,
            name: isvc.metadata.name,
          },
        },
      ];
    });
  }

  /**
   * The models whose InferenceService names an entity and records one of `claims` (a user and
   * their groups) as the owner who decides its key requests; 503 without a cluster, or while the
   * InferenceServices are not read yet.
   */
  ownedBy(claims: string[]): EntityModelRef[] {
    if (!this.#state) {
      throw new ServiceUnavailableError(
        noClusterMessage('no model records its owner'),
      );
    }
    const cache = this.#state.status(INFERENCE_SERVICE);
    if (!cache.syncedAt) throw notReadYet(cache);
    const mine = new Set(claims);
    return this.#state
      .list<InferenceService>(INFERENCE_SERVICE)
      .flatMap(isvc => {
        const annotations = isvc.metadata.annotations ?? {};
        const entityRef = annotations[MAAS_BOUND_ENTITY_ANNOTATION];
        const owner = annotations[MAAS_MODEL_OWNER_ANNOTATION];
        if (!entityRef || !owner || !mine.has(owner)) return [];
        return [
          {
            entityRef,
            inferenceService: {
              namespace: isvc.metadata.namespace!,
              name: isvc.metadata.name,
            },
          },
        ];
      });
  }

  /**
   * Why the caller may not decide requests for `ref`, or undefined when they may: the entity
   * must be bound, and the caller an admin or the owner the InferenceService records.
   */
  refusalToDecide(claims: string[], ref: EntityModelRef): string | undefined {
    let binding: ModelBinding;
    try {
      binding = this.of(ref);
    } catch (error) {
      return (error as Error).message;
    }
    if (!binding.bound) return binding.reason;
    if (claims.some(c => this.#adminGroups.has(c))) return undefined;
    if (binding.owner && claims.includes(binding.owner)) return undefined;
    return binding.owner
      ? `Only ${binding.owner}, the owner of ${stringifyObjectRef(
          ref.inferenceService,
        )} on the cluster, or an admin (maas.adminGroups) decides its key requests`
      : `${stringifyObjectRef(
          ref.inferenceService,
        )} records no owner; only an admin (maas.adminGroups) decides its key requests`;
  }
}
