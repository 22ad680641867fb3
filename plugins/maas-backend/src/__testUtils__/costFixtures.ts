/* The catalog and prices of the costs tests: the harness data's five users in three groups, its two per-user routes as models of two Systems. */
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import {
  MAAS_HTTP_ROUTE_ANNOTATION,
  MAAS_INFERENCE_SERVICE_ANNOTATION,
  MAAS_TEAM_LEADS_ANNOTATION,
} from '@maas-portal/plugin-maas-common';
import { readPricingConfig } from '../config/pricingConfig';

/** Leads team A (and so its child group research), as the Group annotation says. */
export const LEAD = 'user:default/lead';

/** A User of the default namespace, member of `memberOf` (group names). */
export const user = (name: string, memberOf: string[]): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name, namespace: 'default' },
  spec: { profile: { displayName: `User ${name}` }, memberOf },
});
/** A team Group of the default namespace. */
export const group = (
  name: string,
  children: string[],
  annotations: Record<string, string> = {},
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'team', children },
});
const model = (name: string, system: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    title: `Model ${name}`,
    annotations: {
      [MAAS_INFERENCE_SERVICE_ANNOTATION]: `llm/${name}`,
      [MAAS_HTTP_ROUTE_ANNOTATION]: `llm/${name}-route`,
    },
  },
  spec: {
    type: 'model-server',
    owner: 'team-a',
    lifecycle: 'production',
    system,
  },
});

/**
 * team-a: freeuser1, premiumuser1, and its child group research (enterpriseuser1); team-b:
 * freeuser2, premiumuser2. simulator is System chat, qwen3 System search.
 */
export const costCatalog = (extra: Entity[] = []): Entity[] => [
  user('freeuser1', ['team-a']),
  user('premiumuser1', ['team-a']),
  user('enterpriseuser1', ['research']),
  user('freeuser2', ['team-b']),
  user('premiumuser2', ['team-b']),
  user('lead', []),
  group('team-a', ['research'], { [MAAS_TEAM_LEADS_ANNOTATION]: LEAD }),
  group('research', []),
  group('team-b', []),
  model('simulator', 'chat'),
  model('qwen3', 'search'),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: { name: 'chat', namespace: 'default', title: 'Chat' },
    spec: { owner: 'team-a' },
  },
  ...extra,
];

export const COST_TEAMS = {
  'group:default/team-a': ['freeuser1', 'premiumuser1', 'enterpriseuser1'],
  'group:default/research': ['enterpriseuser1'],
  'group:default/team-b': ['freeuser2', 'premiumuser2'],
};
export const COST_SYSTEMS = {
  'system:default/chat': 'llm/simulator-route',
  'system:default/search': 'llm/qwen3-route',
};

/** `maas.pricing` of the tests: free is free, qwen3's tokens cost more than its tier's. */
export const costPricing = {
  currency: 'EUR',
  tiers: [
    { tier: 'free', perMillionTokens: 0, perThousandRequests: 0 },
    { tier: 'premium', perMillionTokens: 2, perThousandRequests: 1 },
    { tier: 'enterprise', perMillionTokens: 1.5 },
  ],
  models: [{ model: 'llm/qwen3', perMillionTokens: 4 }],
};

export const costPricingConfig = () =>
  readPricingConfig(new ConfigReader({ pricing: costPricing }), [
    'free',
    'premium',
    'enterprise',
  ])!;
