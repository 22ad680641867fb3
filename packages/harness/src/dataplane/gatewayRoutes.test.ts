import { buildRoutesFile } from './gatewayRoutes.ts';

const gateway = {
  metadata: { name: 'inference-gateway', namespace: 'llm' },
  spec: {
    gatewayClassName: 'istio',
    listeners: [{ name: 'http', port: 80, hostname: '*.maas.local' }],
  },
};

const route = (name: string, spec: any, namespace = 'llm') => ({
  metadata: { name, namespace },
  spec,
});

const resolve = (ns: string, service: string) =>
  ns === 'llm' && service === 'qwen3-predictor'
    ? 'http://127.0.0.1:4000'
    : undefined;

describe('buildRoutesFile', () => {
  it('routes an attached HTTPRoute to the resolved backend, and keeps a rule whose backend has no endpoint', () => {
    const file = buildRoutesFile(
      [
        route('qwen3-route', {
          parentRefs: [{ name: 'inference-gateway' }],
          hostnames: ['qwen3.maas.local'],
          rules: [
            {
              matches: [{ path: { type: 'PathPrefix', value: '/v1' } }],
              backendRefs: [{ name: 'qwen3-predictor', port: 80 }],
            },
            { backendRefs: [{ name: 'gone-predictor', port: 80 }] },
          ],
        }),
      ],
      [gateway],
      resolve,
    );
    expect(file.routes).toEqual([
      {
        namespace: 'llm',
        name: 'qwen3-route',
        hostnames: ['qwen3.maas.local'],
        rules: [
          {
            matches: [{ path: { type: 'PathPrefix', value: '/v1' } }],
            backends: ['http://127.0.0.1:4000'],
          },
          {
            matches: [{ path: { type: 'PathPrefix', value: '/' } }],
            backends: [],
          },
        ],
      },
    ]);
  });

  it("leaves out routes of other gateways, and gives a route without hostnames the listener's", () => {
    const file = buildRoutesFile(
      [
        route('elsewhere', {
          parentRefs: [{ name: 'other-gateway' }],
          rules: [{}],
        }),
        route(
          'cross-namespace',
          {
            parentRefs: [{ name: 'inference-gateway', namespace: 'llm' }],
            rules: [{}],
          },
          'team-a',
        ),
      ],
      [gateway],
      resolve,
    );
    expect(file.routes.map(r => [r.namespace, r.name, r.hostnames])).toEqual([
      ['team-a', 'cross-namespace', ['*.maas.local']],
    ]);
  });
});
