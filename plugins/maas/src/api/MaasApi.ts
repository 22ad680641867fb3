import { createApiRef } from '@backstage/core-plugin-api';
import {
  ApiKey,
  AuditEvent,
  BudgetReport,
  CostReport,
  CostTable,
  CreateKeyRequest,
  CreateKeyRequestResponse,
  DecideKeyRequests,
  DecisionResult,
  EntityBinding,
  IssuedKey,
  KeyRequest,
  KeyRequestState,
  MaasAccess,
  MaasStatus,
  ModelList,
  ModelQuota,
  ModelRefusals,
  ModelTiers,
  ModelUsage,
  ModelView,
  OutsideKey,
  PlaygroundRequest,
  TokenCheck,
  UsageRange,
} from '@maas-portal/plugin-maas-common';
import { PlaygroundResult } from './chatStream';

/**
 * `GET /models/by-entity`: one model, with what the backend could not work out.
 *
 * @public
 */
export type ModelDetails = ModelView & { warnings: string[] };

/** @public */
export interface UsageQuery {
  entityRef: string;
  range: UsageRange;
  /** Left out, the backend picks `all` for holders of `maas.usage.read-all`, else `user`. */
  scope?: 'user' | 'all';
}

/**
 * One page of a list the backend pages (keys, key requests, audit events): its rows, and where
 * the next page starts (`cursor` of the next query) when there is one.
 *
 * @public
 */
export type Page<T> = T[] & { nextCursor?: string };

/**
 * Which page of a list: from `cursor` (a page's `nextCursor`), at most `limit` rows.
 *
 * @public
 */
export interface PageQuery {
  cursor?: string;
  limit?: number;
}

/** @public */
export interface KeyRequestQuery extends PageQuery {
  entityRef?: string;
  state?: KeyRequestState;
  /** Only the signed-in user's own requests. */
  mine?: boolean;
}

/** @public */
export interface KeyQuery extends PageQuery {
  entityRef?: string;
  /** Only the signed-in user's own keys. */
  mine?: boolean;
}

/** @public */
export interface AuditQuery extends PageQuery {
  entityRef?: string;
}

/**
 * A calendar month (`YYYY-MM`, in the backend's `maas.costs.timeZone`), or a custom range (dates,
 * midnights in that zone); neither: the current month.
 *
 * @public
 */
export interface CostQuery {
  month?: string;
  start?: string;
  end?: string;
}

/**
 * The frontend's view of the MaaS backend (`/api/maas`).
 *
 * @public
 */
export interface MaasApi {
  getStatus(): Promise<MaasStatus>;
  /**
   * The models of the catalog's model servers the user may read (maas.model.read on each), with
   * their health; with maas.model.list also the InferenceServices no entity names.
   */
  listModels(): Promise<ModelList>;
  /** Whether the Approvals and Costs pages have anything for the signed-in user, and why. */
  getAccess(): Promise<MaasAccess>;
  getModel(entityRef: string): Promise<ModelDetails>;
  getModelTiers(entityRef: string): Promise<ModelTiers>;
  getModelUsage(query: UsageQuery): Promise<ModelUsage>;
  /** What the signed-in user has left of each limit of their keys' tiers. */
  getModelQuota(entityRef: string): Promise<ModelQuota>;
  /** Which limits refused calls, and how often; the caller's own unless `scope` is `all`. */
  getModelRefusals(query: UsageQuery): Promise<ModelRefusals>;
  /** Whether Limitador counts the model's tokens (maas.usage.read-all). */
  getTokenCheck(entityRef: string): Promise<TokenCheck>;
  /**
   * A chat completion through the model's own gateway route with the pasted key or token (sent to
   * the portal's backend once, never kept): `onContent` gets the answer so far as it streams; the
   * gateway's refusal (401, 403, 429, ...) comes back explained, not thrown.
   */
  sendPlayground(
    entityRef: string,
    request: PlaygroundRequest,
    onContent: (soFar: string) => void,
    signal?: AbortSignal,
  ): Promise<PlaygroundResult>;
  /** Whether the model's InferenceService names this entity back; keys and usage need it. */
  getBinding(entityRef: string): Promise<EntityBinding>;
  /** Binds a model deployed outside the portal to this entity (admins only). */
  adoptModel(entityRef: string): Promise<EntityBinding>;
  /** API-key Secrets the model's AuthPolicies select that the portal did not issue (admins only). */
  listOutsideKeys(entityRef: string): Promise<OutsideKey[]>;
  revokeOutsideKey(entityRef: string, name: string): Promise<void>;

  createKeyRequest(
    request: CreateKeyRequest,
  ): Promise<CreateKeyRequestResponse>;
  listKeyRequests(query: KeyRequestQuery): Promise<Page<KeyRequest>>;
  decideKeyRequests(decision: DecideKeyRequests): Promise<DecisionResult[]>;
  cancelKeyRequest(id: string): Promise<KeyRequest>;

  listKeys(query: KeyQuery): Promise<Page<ApiKey>>;
  /** The value of an approved key, once; the backend answers 409 after that. */
  revealKey(id: string): Promise<IssuedKey>;
  revokeKey(id: string): Promise<ApiKey>;
  rotateKey(id: string): Promise<IssuedKey>;
  /** Names one's own key (an empty name clears it); the name is unique per user and model. */
  renameKey(id: string, name: string): Promise<ApiKey>;
  requestTierChange(
    id: string,
    change: { tier: string; reason: string },
  ): Promise<KeyRequest>;

  listAuditEvents(query: AuditQuery): Promise<Page<AuditEvent>>;

  /** Usage and cost per user, group and system (admins; team leads their own groups). */
  getCosts(query: CostQuery): Promise<CostReport>;
  /** One table of the costs as CSV, with the file name the backend gives it. */
  exportCosts(
    query: CostQuery & { table: CostTable },
  ): Promise<{ fileName: string; csv: string }>;
  /** The teams' soft budgets of a calendar month (this month by default), to whom costs are shown. */
  getBudgets(query: { month?: string }): Promise<BudgetReport>;
}

/** @public */
export const maasApiRef = createApiRef<MaasApi>({ id: 'plugin.maas.service' });
