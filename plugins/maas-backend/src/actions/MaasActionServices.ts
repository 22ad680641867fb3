import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  CreateKeyRequestResponse,
  DecisionResult,
  KeyRequest,
  KeyRequestState,
  ModelList,
  ModelQuota,
} from '@maas-portal/plugin-maas-common';
import { EntityModelRef } from '../entities/ModelRef';
import { ModelReader } from '../entities/ModelReader';
import { ModelRefCache } from '../entities/ModelRefCache';
import { KeyAccess } from '../permissions/keyAccess';
import { ModelLookupAs } from '../permissions/lookupModel';
import { PermissionGate } from '../permissions/PermissionGate';

/**
 * What the MCP actions call: the permission checks the REST routes make (shared folders), and the
 * other slices' answers, each the very service its route calls, wired in plugin.ts.
 */
export interface MaasActionServices {
  gate: PermissionGate;
  /** The entity cache the keys routes read a model's entity through. */
  modelRefs: ModelRefCache;
  /** What every route about one model starts with, for the action's credentials. */
  lookupModel: ModelLookupAs;
  /** Who may see and decide which key request. */
  keyAccess: KeyAccess;
  /** The models slice's answer: `GET /models` for these credentials (ModelListService). */
  listModels(credentials: BackstageCredentials): Promise<ModelList>;
  /** The usage slice's answer: `GET /models/by-entity/quota` (CallerQuota). */
  quotaOf(request: {
    userId: string;
    userEntityRef: string;
    model: EntityModelRef;
    models: ModelReader;
  }): Promise<ModelQuota>;
  /** The keys slice's answers: KeyRequestService, as `/keys/requests` calls it. */
  keyRequests: {
    askForKey(input: {
      model: EntityModelRef;
      userEntityRef: string;
      tier: string;
      reason: string;
      expiresInDays?: number;
      name?: string;
      valueShown: 'on-my-keys-page';
    }): Promise<CreateKeyRequestResponse>;
    listPage(input: {
      filter: { userEntityRef?: string; state?: KeyRequestState };
      limit: number;
      cursor?: string;
      visible: (
        rows: KeyRequest[],
      ) => Promise<Array<KeyRequest & { canDecide: boolean }>>;
    }): Promise<{
      items: Array<KeyRequest & { canDecide: boolean }>;
      nextCursor?: string;
    }>;
    decideEach(input: {
      ids: string[];
      decision: 'approve' | 'reject';
      actor: string;
      comment?: string;
      refusalOf: (
        requests: KeyRequest[],
      ) => Promise<(request: KeyRequest) => string | undefined>;
    }): Promise<DecisionResult[]>;
  };
  /** The address of My API keys, where a key's owner sees its value once. */
  myKeysUrl: string;
  /** Resolves once the cluster's watch caches have made their first LIST (ClusterState.firstRead). */
  clusterRead: () => Promise<void>;
}
