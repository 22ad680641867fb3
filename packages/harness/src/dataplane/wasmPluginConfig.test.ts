import { endpointArgs, mergePluginConfigs } from './wasmPluginConfig.ts';

const plugin = (name: string, namespace: string, pluginConfig: any) => ({
  metadata: { name, namespace },
  spec: { pluginConfig },
});

describe('mergePluginConfigs', () => {
  it("merges the operator's WasmPlugins: services by name, action sets in a stable order", () => {
    const merged = mergePluginConfigs([
      plugin('kuadrant-gw-b', 'llm', {
        services: {
          'auth-service': { type: 'auth', endpoint: 'kuadrant-auth-service' },
        },
        actionSets: [{ name: 'b1' }],
      }),
      plugin('kuadrant-gw-a', 'llm', {
        services: {
          'ratelimit-service': {
            type: 'ratelimit',
            endpoint: 'kuadrant-ratelimit-service',
          },
        },
        actionSets: [{ name: 'a1' }, { name: 'a2' }],
      }),
      plugin('someone-elses', 'llm', { actionSets: [{ name: 'x' }] }),
    ]);
    expect(merged.actionSets.map(a => a.name)).toEqual(['a1', 'a2', 'b1']);
    expect(Object.keys(merged.services).sort()).toEqual([
      'auth-service',
      'ratelimit-service',
    ]);
  });
});

describe('endpointArgs', () => {
  const addresses = { authorino: '127.0.0.1:1', limitador: '127.0.0.1:2' };

  it("maps the operator's clusters before any policy exists", () => {
    expect(endpointArgs(undefined, addresses)).toEqual([
      '--endpoint=kuadrant-auth-service=127.0.0.1:1',
      '--endpoint=kuadrant-ratelimit-service=127.0.0.1:2',
    ]);
  });

  it('maps another endpoint by its service type (every rate-limit kind to Limitador)', () => {
    const config = mergePluginConfigs([
      plugin('kuadrant-gw', 'llm', {
        services: {
          'ratelimit-check-service': {
            type: 'ratelimit-check',
            endpoint: 'other-cluster',
          },
        },
        actionSets: [],
      }),
    ]);
    expect(endpointArgs(config, addresses)).toContain(
      '--endpoint=other-cluster=127.0.0.1:2',
    );
  });
});
