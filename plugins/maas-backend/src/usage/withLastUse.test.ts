import { mockServices } from '@backstage/backend-test-utils';
import { ApiKey } from '@maas-portal/plugin-maas-common';
import { ModelService } from '../models/ModelService';
import { UsageService } from './UsageService';
import { createLastUseLookup } from './withLastUse';

const key = (id: string, model: string, user: string): ApiKey => ({
  id,
  entityRef: `component:default/${model.split('/')[1]}`,
  model,
  userEntityRef: user,
  tier: 'free',
  displayPrefix: 'maas_abcd…',
  state: 'active',
  createdAt: '2026-11-01T00:00:00.000Z',
  revealed: true,
});

describe('createLastUseLookup', () => {
  const models = {
    limitadorNamespaceOf: (ref: { name: string }) =>
      ref.name === 'gone' ? undefined : `llm/${ref.name}-route`,
  } as unknown as ModelService;

  it('asks once for every key and fills in what the metrics know', async () => {
    const lastCalls = jest.fn(
      async () => new Map([['jane|llm/qwen3-route', 1_764_000_000]]),
    );
    const lookup = createLastUseLookup({
      models,
      usage: {
        lastCalls,
        routesWithoutUserLabels: async () => new Set<string>(),
      } as unknown as UsageService,
      logger: mockServices.logger.mock(),
    });
    const keys = [
      key('a', 'llm/qwen3', 'user:default/jane'),
      key('b', 'llm/qwen3', 'user:default/john'),
      key('c', 'llm/gone', 'user:default/jane'),
    ];
    const result = await lookup(keys);
    expect(lastCalls).toHaveBeenCalledTimes(1);
    expect(lastCalls).toHaveBeenCalledWith([
      { key: keys[0], user: 'jane', limitadorNamespace: 'llm/qwen3-route' },
      { key: keys[1], user: 'john', limitadorNamespace: 'llm/qwen3-route' },
    ]);
    expect(result.map(k => [k.lastUsedAt, k.lastUse])).toEqual([
      ['2025-11-24T16:00:00.000Z', 'seen'],
      [undefined, 'not-seen'],
      [undefined, 'unknown'],
    ]);
    // An empty last use says why: no call in the metrics, or no route to count calls on.
    expect(result[1].lastUseNote).toBe(
      'No call by john on this model in the metrics of the last 7 days. The gateway counts calls per user (john), not per key: your keys for this model share it.',
    );
    expect(result[2].lastUseNote).toMatch(/The model has no HTTPRoute/);
  });

  it("says a route's last use is unknown, not 'not seen', when its metrics carry no user labels (Kuadrant 1.2)", async () => {
    const routesWithoutUserLabels = jest.fn(
      async () => new Set(['llm/legacy-route']),
    );
    const lookup = createLastUseLookup({
      models,
      usage: {
        lastCalls: async () => new Map(),
        routesWithoutUserLabels,
      } as unknown as UsageService,
      logger: mockServices.logger.mock(),
    });
    const keys = [
      key('a', 'llm/legacy', 'user:default/jane'),
      key('b', 'llm/qwen3', 'user:default/jane'),
    ];
    const result = await lookup(keys);
    expect(routesWithoutUserLabels).toHaveBeenCalledWith([
      'llm/legacy-route',
      'llm/qwen3-route',
    ]);
    expect(result.map(k => k.lastUse)).toEqual(['unknown', 'not-seen']);
    expect(result[0].lastUseNote).toBe(
      "Limitador's metrics for llm/legacy-route carry no user labels, so nobody's last call is known. A TelemetryPolicy on the Gateway adds them (Kuadrant 1.3+).",
    );
  });

  it('leaves the keys as they are when Prometheus fails, and says why in the log', async () => {
    const logger = mockServices.logger.mock();
    const lookup = createLastUseLookup({
      models,
      usage: {
        lastCalls: async () =>
          Promise.reject(new Error('Prometheus at x is unreachable')),
        routesWithoutUserLabels: async () => new Set<string>(),
      } as unknown as UsageService,
      logger,
    });
    const keys = [key('a', 'llm/qwen3', 'user:default/jane')];
    expect(await lookup(keys)).toEqual([
      {
        ...keys[0],
        lastUse: 'unknown',
        lastUseNote: 'The metrics could not be read just now.',
      },
    ]);
    expect(logger.warn).toHaveBeenCalledWith(
      'Last use of keys not shown: Prometheus at x is unreachable',
    );
  });

  it('gives no verdict when the portal has no Prometheus', async () => {
    const lastCalls = jest.fn();
    const lookup = createLastUseLookup({
      models,
      usage: { lastCalls } as unknown as UsageService,
      logger: mockServices.logger.mock(),
      metrics: false,
    });
    const keys = [key('a', 'llm/qwen3', 'user:default/jane')];
    expect(await lookup(keys)).toEqual(keys);
    expect(lastCalls).not.toHaveBeenCalled();
  });
});
