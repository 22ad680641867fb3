import { Entity } from '@backstage/catalog-model';
import {
  MAAS_INFERENCE_SERVICE_ANNOTATION,
  ApiKey,
  AuditEvent,
  KeyRequest,
  LimitSource,
  LiveLimit,
  ModelTiers,
  ModelUsage,
  TierDefinition,
  TierApproval,
  TierView,
  UsageSeries,
} from '@maas-portal/plugin-maas-common';
import { ModelDetails } from '../api/MaasApi';

export const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'qwen3',
    namespace: 'default',
    annotations: { [MAAS_INFERENCE_SERVICE_ANNOTATION]: 'llm/qwen3' },
  },
  spec: { type: 'ai-model', owner: 'group:default/ml' },
};
export const entityRef = 'resource:default/qwen3';

export function model(overrides: Partial<ModelDetails> = {}): ModelDetails {
  return {
    entityRef,
    modelName: 'qwen3',
    inferenceService: {
      namespace: 'llm',
      name: 'qwen3',
      found: true,
      modelState: 'Loaded',
    },
    route: {
      namespace: 'llm',
      name: 'qwen3',
      found: true,
      hostnames: ['qwen3.maas.local'],
    },
    gateway: { namespace: 'llm', name: 'inference-gateway' },
    policies: [
      {
        kind: 'AuthPolicy',
        namespace: 'llm',
        name: 'gateway-auth',
        attachedTo: 'gateway',
        accepted: true,
        enforced: true,
      },
    ],
    health: { state: 'healthy', reasons: [] },
    url: 'https://qwen3.maas.local/v1',
    authMode: 'api-key',
    examples: {
      curl: 'curl https://qwen3.maas.local/v1/chat/completions -H \'Authorization: Bearer $MAAS_API_KEY\' -d \'{"model":"qwen3"}\'',
      python:
        'from openai import OpenAI\nclient = OpenAI(base_url="https://qwen3.maas.local/v1")',
      javascript:
        "import OpenAI from 'openai';\nconst client = new OpenAI({ baseURL: 'https://qwen3.maas.local/v1' });",
    },
    cache: { ageSeconds: 0 },
    warnings: [],
    ...overrides,
  };
}

/** A limit of the gateway's policies, as the backend reads it back from the cluster. */
function gatewayLimit(
  kind: LimitSource['kind'],
  limitName: string,
  limit: number,
  window: string,
): LiveLimit {
  return {
    rates: [{ limit, window }],
    counters: [],
    predicates: [],
    source: {
      kind,
      namespace: 'llm',
      name:
        kind === 'RateLimitPolicy'
          ? 'gateway-rate-limits'
          : 'gateway-token-limits',
      limitName,
      attachedTo: 'gateway',
      section: 'limits',
    },
  };
}

/** A configured tier: requests per 2 minutes and tokens per hour, per user. */
function tierView(
  name: string,
  approval: TierApproval,
  requests: number,
  tokens: number,
): TierView {
  return {
    name,
    approval,
    configured: true,
    requests: [
      gatewayLimit('RateLimitPolicy', `${name}-user-requests`, requests, '2m'),
    ],
    tokens: [
      gatewayLimit('TokenRateLimitPolicy', `${name}-user-tokens`, tokens, '1h'),
    ],
  };
}

/** A tier of the portal's configuration: requests per 2 minutes and tokens per hour. */
export function tierDefinition(
  name: string,
  approval: TierApproval,
  requests: number,
  tokens: number,
): TierDefinition {
  return {
    name,
    approval,
    requests: { limit: requests, window: '2m' },
    tokens: { limit: tokens, window: '1h' },
  };
}

export function tiers(overrides: Partial<ModelTiers> = {}): ModelTiers {
  return {
    tiers: [
      tierView('free', 'auto', 5, 100),
      tierView('premium', 'manual', 20, 50000),
    ],
    everyone: [],
    other: [],
    warnings: [],
    cache: { ageSeconds: 0 },
    ...overrides,
  };
}

const series = (tier: string | null, values: number[]): UsageSeries => ({
  tier,
  points: values.map((v, i) => [1_700_000_000 + i * 300, v]),
  total: values.reduce((a, b) => a + b, 0),
});

export function usage(overrides: Partial<ModelUsage> = {}): ModelUsage {
  return {
    range: '24h',
    start: 1_700_000_000,
    end: 1_700_086_400,
    stepSeconds: 300,
    state: 'calls',
    scope: 'user',
    userId: 'alice',
    perUserLabels: true,
    authorized: [series('free', [3, 4, 5]), series('premium', [10, 12, 9])],
    limited: [series('free', [1, 0, 2])],
    tokens: [
      series('free', [300, 400, 500]),
      series('premium', [1000, 1200, 900]),
    ],
    warnings: [],
    ...overrides,
  };
}

export function apiKey(overrides: Partial<ApiKey> = {}): ApiKey {
  return {
    id: 'key-1',
    entityRef,
    model: 'llm/qwen3',
    userEntityRef: 'user:default/alice',
    tier: 'free',
    displayPrefix: 'maas_k3Fz',
    state: 'active',
    createdAt: '2025-01-02T10:00:00Z',
    expiresAt: '2025-04-02T10:00:00Z',
    revealed: true,
    lastUsedAt: '2025-01-03T09:30:00Z',
    ...overrides,
  };
}

export function keyRequest(overrides: Partial<KeyRequest> = {}): KeyRequest {
  return {
    id: 'req-1',
    kind: 'new-key',
    entityRef,
    model: 'llm/qwen3',
    userEntityRef: 'user:default/alice',
    tier: 'premium',
    reason: 'Evaluating summarisation',
    state: 'pending',
    createdAt: '2025-01-02T10:00:00Z',
    ...overrides,
  };
}

export function auditEvent(overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    id: 1,
    at: '2025-01-02T11:00:00Z',
    actor: 'user:default/bob',
    action: 'key-request.approve',
    subject: { type: 'key-request', id: 'req-1' },
    entityRef,
    fromState: 'pending',
    toState: 'approved',
    details: { comment: 'ok for the pilot' },
    ...overrides,
  };
}
