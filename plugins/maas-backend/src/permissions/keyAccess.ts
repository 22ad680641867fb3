import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { ResourcePermission } from '@backstage/plugin-permission-common';
import {
  MAAS_MODEL_OWNER_ANNOTATION,
  maasKeyApprovePermission,
  PageAccess,
  parseObjectRef,
  maasKeyReadPermission,
  maasKeyRequestPermission,
  maasKeyRevokePermission,
} from '@maas-portal/plugin-maas-common';
import { EntityBindings } from '../entities/EntityBindings';
import { lackOf, PermissionGate } from './PermissionGate';

/** What the rules look at: whose item it is, and the model entity it is for. */
interface Owned {
  id: string;
  userEntityRef: string;
  entityRef: string;
}

/** A key or request: also its model and, when recorded, that InferenceService's UID then. */
interface OwnedRequest extends Owned {
  model: string;
  modelUid?: string;
}

/**
 * Who may do what with keys and key requests, in one place: a user acts on their own keys and
 * requests; acting on others' takes a resource permission on the model's catalog entity
 * (maas.key.read to see, maas.key.approve to decide, maas.key.revoke to revoke). Some actions
 * (see the value, rotate, change the tier, cancel) are the owner's alone.
 */
export class KeyAccess {
  readonly #gate: PermissionGate;
  readonly #bindings: EntityBindings;
  readonly #allowSelfApproval: boolean;

  constructor(options: {
    gate: PermissionGate;
    bindings: EntityBindings;
    /** `maas.approvals.allowSelfApproval`: whether a requester may decide their own request. */
    allowSelfApproval: boolean;
  }) {
    this.#gate = options.gate;
    this.#bindings = options.bindings;
    this.#allowSelfApproval = options.allowSelfApproval;
  }

  /** Asking for a key, or for another tier of one's own key, takes maas.key.request on the model. */
  async requireRequest(
    credentials: BackstageCredentials,
    entityRef: string,
  ): Promise<void> {
    await this.#gate.require(credentials, maasKeyRequestPermission, entityRef);
  }

  /** Only the requester cancels a request. */
  requireRequester(request: Owned, userRef: string): void {
    if (request.userEntityRef !== userRef) {
      throw new NotAllowedError(
        `Only ${request.userEntityRef} can cancel key request ${request.id}`,
      );
    }
  }

  /** Only the owner sees a key's value, rotates it or changes its tier; `verb` says which. */
  requireOwner(key: Owned, userRef: string, verb: string): void {
    if (key.userEntityRef !== userRef) {
      throw new NotAllowedError(
        `Only ${key.userEntityRef}, its owner, can ${verb} key ${key.id}`,
      );
    }
  }

  /** A tier change is the owner's, and asking for a tier takes maas.key.request. */
  async requireTierChange(
    credentials: BackstageCredentials,
    key: Owned,
    userRef: string,
  ): Promise<void> {
    this.requireOwner(key, userRef, 'change the tier of');
    await this.requireRequest(credentials, key.entityRef);
  }

  /** The owner may always revoke; others only with maas.key.revoke on the model. */
  async requireRevoke(
    credentials: BackstageCredentials,
    key: Owned,
    userRef: string,
  ): Promise<void> {
    if (key.userEntityRef === userRef) return;
    const allowed = await this.#gate.allowedOn(
      credentials,
      maasKeyRevokePermission,
      [key.entityRef],
    );
    if (!allowed.has(key.entityRef)) {
      throw new NotAllowedError(
        `Key ${key.id} belongs to ${key.userEntityRef}; revoking it takes the ${maasKeyRevokePermission.name} permission on ${key.entityRef}`,
      );
    }
  }

  /** The requests a caller may see, each saying whether the caller may decide it. */
  async visibleRequests<T extends OwnedRequest & { state: string }>(
    credentials: BackstageCredentials,
    userRef: string,
    requests: T[],
  ): Promise<Array<T & { canDecide: boolean }>> {
    const shown = await this.#visible(credentials, userRef, requests, [
      maasKeyApprovePermission,
      maasKeyReadPermission,
    ]);
    const pending = shown.filter(r => r.state === 'pending');
    const refusal = await this.deciding(credentials, userRef, pending);
    return shown.map(r => ({
      ...r,
      canDecide: r.state === 'pending' && refusal(r) === undefined,
    }));
  }

  /** The keys a caller may see: their own, and others' where maas.key.read is allowed. */
  async visibleKeys<T extends OwnedRequest>(
    credentials: BackstageCredentials,
    userRef: string,
    keys: T[],
  ): Promise<T[]> {
    return this.#visible(credentials, userRef, keys, [maasKeyReadPermission]);
  }

  /**
   * Which of `requests` the caller may decide; the others are given the reason. Deciding takes
   * all of: not one's own request (four eyes, unless `maas.approvals.allowSelfApproval`);
   * maas.key.approve on the model's entity (one batched call); an entity the InferenceService
   * names back; and being the owner the InferenceService records, or an admin.
   */
  async deciding<T extends OwnedRequest>(
    credentials: BackstageCredentials,
    userRef: string,
    requests: T[],
  ): Promise<(request: T) => string | undefined> {
    if (requests.length === 0) return () => undefined;
    const allowed = await this.#gate.allowedOn(
      credentials,
      maasKeyApprovePermission,
      requests.map(r => r.entityRef),
    );
    const claims = await this.#bindings.claims(credentials);
    return request => {
      if (request.userEntityRef === userRef && !this.#allowSelfApproval)
        return `Key request ${request.id} is your own; another approver must decide it (four eyes; maas.approvals.allowSelfApproval turns this off)`;
      if (!allowed.has(request.entityRef))
        return lackOf(maasKeyApprovePermission, request.entityRef);
      const inferenceService = parseObjectRef(request.model);
      if (!inferenceService)
        return `Key request ${request.id} names no valid model (${request.model})`;
      if (this.#earlierModel(request))
        return `Key request ${request.id} was made for an earlier model named ${request.model}, deleted since`;
      return this.#bindings.refusalToDecide(claims, {
        entityRef: request.entityRef,
        inferenceService,
      });
    };
  }

  /**
   * Whether the Approvals page holds anything for the caller: whether they decide some model's
   * key requests (an admin, or the owner an InferenceService records with maas.key.approve on
   * its entity), and why. When that cannot be told (no cluster, the InferenceServices not read
   * yet) the page is said to serve them: it says itself what it cannot show.
   */
  async approver(credentials: BackstageCredentials): Promise<PageAccess> {
    if (await this.#bindings.isAdmin(credentials)) {
      return {
        serves: true,
        reason:
          'You are an admin (maas.adminGroups): you decide the key requests of every model',
      };
    }
    let owned: string[];
    try {
      owned = this.#bindings
        .ownedBy(await this.#bindings.claims(credentials))
        .map(m => m.entityRef);
    } catch (error) {
      return {
        serves: true,
        reason: `Whether you own a model cannot be told now: ${
          (error as Error).message
        }`,
      };
    }
    if (owned.length === 0) {
      return {
        serves: false,
        reason: `No model on the cluster records you or one of your groups as its owner (${MAAS_MODEL_OWNER_ANNOTATION}), and you are not an admin (maas.adminGroups): you decide no key request`,
      };
    }
    const allowed = [
      ...(await this.#gate.allowedOn(
        credentials,
        maasKeyApprovePermission,
        owned,
      )),
    ].sort();
    return allowed.length > 0
      ? {
          serves: true,
          reason: `You decide the key requests of ${allowed.join(', ')}`,
        }
      : {
          serves: false,
          reason: `Your groups own ${[...new Set(owned)]
            .sort()
            .join(', ')}, but you lack the ${
            maasKeyApprovePermission.name
          } permission on them`,
        };
  }

  /** Own items always; others' where one of `permissionsForOthers` is allowed on their entity. */
  async #visible<T extends OwnedRequest>(
    credentials: BackstageCredentials,
    userRef: string,
    items: T[],
    permissionsForOthers: ResourcePermission[],
  ): Promise<T[]> {
    // Others' keys of an earlier model of the same name are not the current model's: hidden.
    const foreign = items
      .filter(i => i.userEntityRef !== userRef && !this.#earlierModel(i))
      .map(i => i.entityRef);
    const allowed = new Set<string>();
    for (const permission of permissionsForOthers) {
      const pending = foreign.filter(ref => !allowed.has(ref));
      for (const ref of await this.#gate.allowedOn(
        credentials,
        permission,
        pending,
      ))
        allowed.add(ref);
    }
    return items.filter(
      i =>
        i.userEntityRef === userRef ||
        (allowed.has(i.entityRef) && !this.#earlierModel(i)),
    );
  }

  /**
   * Whether `item` was made for an InferenceService that has since been deleted and created
   * again under the same name (its recorded UID is not the current one).
   */
  #earlierModel(item: OwnedRequest): boolean {
    if (!item.modelUid) return false;
    const inferenceService = parseObjectRef(item.model);
    if (!inferenceService) return false;
    const current = this.#bindings.inferenceService({
      entityRef: item.entityRef,
      inferenceService,
    })?.metadata.uid;
    return current !== undefined && current !== item.modelUid;
  }
}
