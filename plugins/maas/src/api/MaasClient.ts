import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
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
  OutsideKey,
  IssuedKey,
  KeyRequest,
  MaasAccess,
  MaasStatus,
  ModelList,
  ModelQuota,
  ModelRefusals,
  ModelTiers,
  ModelUsage,
  PlaygroundRefusal,
  PlaygroundRequest,
  TokenCheck,
} from '@maas-portal/plugin-maas-common';
import {
  PlaygroundResult,
  readChatCompletion,
  readChatStream,
} from './chatStream';
import {
  AuditQuery,
  CostQuery,
  KeyQuery,
  KeyRequestQuery,
  MaasApi,
  ModelDetails,
  Page,
  UsageQuery,
} from './MaasApi';

type Query = Record<string, string | number | boolean | undefined>;

/**
 * {@link MaasApi} over HTTP, with the signed-in user's credentials.
 *
 * @public
 */
export class MaasClient implements MaasApi {
  readonly #discoveryApi: DiscoveryApi;
  readonly #fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.#discoveryApi = options.discoveryApi;
    this.#fetchApi = options.fetchApi;
  }

  getStatus(): Promise<MaasStatus> {
    return this.#request('GET', '/status');
  }

  listModels(): Promise<ModelList> {
    return this.#request('GET', '/models');
  }

  getAccess(): Promise<MaasAccess> {
    return this.#request('GET', '/access');
  }

  getModel(entityRef: string): Promise<ModelDetails> {
    return this.#request('GET', '/models/by-entity', { query: { entityRef } });
  }

  getModelTiers(entityRef: string): Promise<ModelTiers> {
    return this.#request('GET', '/models/by-entity/tiers', {
      query: { entityRef },
    });
  }

  getModelUsage(query: UsageQuery): Promise<ModelUsage> {
    return this.#request('GET', '/models/by-entity/usage', {
      query: { ...query },
    });
  }

  getModelQuota(entityRef: string): Promise<ModelQuota> {
    return this.#request('GET', '/models/by-entity/quota', {
      query: { entityRef },
    });
  }

  getModelRefusals(query: UsageQuery): Promise<ModelRefusals> {
    return this.#request('GET', '/models/by-entity/refusals', {
      query: { ...query },
    });
  }

  getTokenCheck(entityRef: string): Promise<TokenCheck> {
    return this.#request('GET', '/models/by-entity/token-check', {
      query: { entityRef },
    });
  }

  async sendPlayground(
    entityRef: string,
    request: PlaygroundRequest,
    onContent: (soFar: string) => void,
    signal?: AbortSignal,
  ): Promise<PlaygroundResult> {
    const baseUrl = await this.#discoveryApi.getBaseUrl('maas');
    // The credential goes in the body only: never in the URL, where logs and history would keep it.
    const response = await this.#fetchApi.fetch(
      `${baseUrl}/models/by-entity/playground?${new URLSearchParams({
        entityRef,
      })}`,
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'text/event-stream, application/json',
        },
        body: JSON.stringify(request),
        signal,
      },
    );
    if (!response.ok) {
      const body = await response
        .clone()
        .json()
        .catch(() => undefined);
      if ((body as PlaygroundRefusal | undefined)?.source === 'gateway') {
        const refusal = body as PlaygroundRefusal;
        return {
          status: refusal.status,
          refusal,
          content: '',
          streamed: false,
        };
      }
      throw await ResponseError.fromResponse(response);
    }
    const streamed = (response.headers.get('content-type') ?? '').startsWith(
      'text/event-stream',
    );
    if (streamed && response.body) {
      return {
        status: response.status,
        streamed,
        ...(await readChatStream(response.body, onContent)),
      };
    }
    const answer = readChatCompletion(await response.json());
    onContent(answer.content);
    return { status: response.status, streamed: false, ...answer };
  }

  createKeyRequest(
    request: CreateKeyRequest,
  ): Promise<CreateKeyRequestResponse> {
    return this.#request('POST', '/keys/requests', { body: request });
  }

  listKeyRequests(query: KeyRequestQuery): Promise<Page<KeyRequest>> {
    return this.#page('/keys/requests', { ...query });
  }

  decideKeyRequests(decision: DecideKeyRequests): Promise<DecisionResult[]> {
    return this.#request('POST', '/keys/requests/decisions', {
      body: decision,
    });
  }

  cancelKeyRequest(id: string): Promise<KeyRequest> {
    return this.#request(
      'POST',
      `/keys/requests/${encodeURIComponent(id)}/cancel`,
    );
  }

  listKeys(query: KeyQuery): Promise<Page<ApiKey>> {
    return this.#page('/keys', { ...query });
  }

  revealKey(id: string): Promise<IssuedKey> {
    return this.#request('POST', `/keys/${encodeURIComponent(id)}/reveal`);
  }

  revokeKey(id: string): Promise<ApiKey> {
    return this.#request('POST', `/keys/${encodeURIComponent(id)}/revoke`);
  }

  rotateKey(id: string): Promise<IssuedKey> {
    return this.#request('POST', `/keys/${encodeURIComponent(id)}/rotate`);
  }

  renameKey(id: string, name: string): Promise<ApiKey> {
    return this.#request('POST', `/keys/${encodeURIComponent(id)}/name`, {
      body: { name },
    });
  }

  getBinding(entityRef: string): Promise<EntityBinding> {
    return this.#request('GET', '/models/by-entity/binding', {
      query: { entityRef },
    });
  }

  adoptModel(entityRef: string): Promise<EntityBinding> {
    return this.#request('POST', '/models/by-entity/adopt', {
      query: { entityRef },
    });
  }

  listOutsideKeys(entityRef: string): Promise<OutsideKey[]> {
    return this.#request('GET', '/models/by-entity/outside-keys', {
      query: { entityRef },
    });
  }

  async revokeOutsideKey(entityRef: string, name: string): Promise<void> {
    await this.#request(
      'POST',
      `/models/by-entity/outside-keys/${encodeURIComponent(name)}/revoke`,
      { query: { entityRef } },
    );
  }

  requestTierChange(
    id: string,
    change: { tier: string; reason: string },
  ): Promise<KeyRequest> {
    return this.#request(
      'POST',
      `/keys/${encodeURIComponent(id)}/tier-change`,
      { body: change },
    );
  }

  listAuditEvents(query: AuditQuery): Promise<Page<AuditEvent>> {
    return this.#page('/audit', { ...query });
  }

  /** A page of a list: the rows, and the `X-Next-Cursor` header as `nextCursor`. */
  async #page<T>(path: string, query: Query): Promise<Page<T>> {
    let nextCursor: string | undefined;
    const items = await this.#request<T[]>('GET', path, {
      query,
      onHeaders: headers => {
        nextCursor = headers.get('X-Next-Cursor') ?? undefined;
      },
    });
    return nextCursor ? Object.assign(items, { nextCursor }) : items;
  }

  getCosts(query: CostQuery): Promise<CostReport> {
    return this.#request('GET', '/costs', { query: { ...query } });
  }

  async exportCosts(
    query: CostQuery & { table: CostTable },
  ): Promise<{ fileName: string; csv: string }> {
    const response = await this.#fetch('GET', '/costs/export', { ...query });
    const disposition = response.headers.get('content-disposition') ?? '';
    const fileName =
      /filename="([^"]+)"/.exec(disposition)?.[1] ??
      `maas-costs-${query.table}.csv`;
    return { fileName, csv: await response.text() };
  }

  getBudgets(query: { month?: string }): Promise<BudgetReport> {
    return this.#request('GET', '/costs/budgets', { query: { ...query } });
  }

  async #request<T>(
    method: 'GET' | 'POST',
    path: string,
    options: {
      query?: Query;
      body?: unknown;
      onHeaders?: (headers: Headers) => void;
    } = {},
  ): Promise<T> {
    const response = await this.#fetch(
      method,
      path,
      options.query,
      options.body,
    );
    options.onHeaders?.(response.headers);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  /** A call of the backend; a failed one throws its Backstage error. */
  async #fetch(
    method: 'GET' | 'POST',
    path: string,
    query: Query = {},
    body?: unknown,
  ): Promise<Response> {
    const baseUrl = await this.#discoveryApi.getBaseUrl('maas');
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) params.set(name, String(value));
    }
    const search = params.toString();
    const response = await this.#fetchApi.fetch(
      `${baseUrl}${path}${search ? `?${search}` : ''}`,
      {
        method,
        ...(body !== undefined && {
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        }),
      },
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response;
  }
}
