import { buildRequestDataFile } from './telemetryRequestData.ts';

const USER_GROUP = {
  user: 'auth.identity.userid',
  group: 'auth.identity.groups',
};

const policy = (
  namespace: string,
  name: string,
  spec: any,
  creationTimestamp = '2026-12-07T10:00:00Z',
) => ({ metadata: { namespace, name, creationTimestamp }, spec });

const onGateway = (gateway: string, labels: any = USER_GROUP) => ({
  targetRef: {
    group: 'gateway.networking.k8s.io',
    kind: 'Gateway',
    name: gateway,
  },
  metrics: { default: { labels } },
});

/** A WasmPlugin as kuadrant-operator writes it: `kuadrant-<gateway>`, targeting its Gateway. */
const wasmPlugin = (namespace: string, gateway: string, sets: string[]) => ({
  metadata: { namespace, name: `kuadrant-${gateway}` },
  spec: {
    targetRefs: [
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: gateway },
    ],
    pluginConfig: { services: {}, actionSets: sets.map(name => ({ name })) },
  },
});

describe('buildRequestDataFile', () => {
  it("gives a Gateway its policy's labels with the action sets of its own WasmPlugin only", () => {
    const { file, errors } = buildRequestDataFile(
      [policy('team', 'telemetry', onGateway('gw'))],
      [
        wasmPlugin('team', 'gw', ['s2', 's1']),
        wasmPlugin('other', 'gw', ['o1']),
        wasmPlugin('team', 'gw2', ['t1']),
      ],
    );
    expect(errors).toEqual([]);
    expect(file).toEqual({
      gateways: [
        {
          gateway: 'team/gw',
          actionSets: ['s1', 's2'],
          labels: {
            group: 'auth.identity.groups',
            user: 'auth.identity.userid',
          },
        },
      ],
    });
  });

  it('writes nothing for a Gateway without a TelemetryPolicy (its calls keep one descriptor)', () => {
    expect(
      buildRequestDataFile([], [wasmPlugin('team', 'gw', ['s1'])]).file,
    ).toEqual({ gateways: [] });
  });

  it('leaves out a policy it cannot play, naming the field at fault', () => {
    const { file, errors } = buildRequestDataFile(
      [
        policy('a', 'route', {
          ...onGateway('gw'),
          targetRef: {
            group: 'gateway.networking.k8s.io',
            kind: 'HTTPRoute',
            name: 'r',
          },
        }),
        policy('b', 'listener', {
          ...onGateway('gw'),
          targetRef: { ...onGateway('gw').targetRef, sectionName: 'http' },
        }),
        policy(
          'c',
          'dash',
          onGateway('gw', { 'user-id': 'auth.identity.userid' }),
        ),
        policy('d', 'blank', onGateway('gw', { user: ' ' })),
        policy('e', 'none', onGateway('gw', {})),
        policy('f', 'nometrics', { targetRef: onGateway('gw').targetRef }),
      ],
      [],
    );
    expect(file.gateways).toEqual([]);
    expect(errors).toEqual([
      'TelemetryPolicy a/route: spec.targetRef: targets gateway.networking.k8s.io/HTTPRoute; only a gateway.networking.k8s.io Gateway is supported',
      'TelemetryPolicy b/listener: spec.targetRef.sectionName: a listener section is not supported by the harness (its one gateway serves all listeners)',
      'TelemetryPolicy c/dash: spec.metrics.default.labels.user-id: not a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)',
      'TelemetryPolicy d/blank: spec.metrics.default.labels.user: must be a non-empty CEL expression',
      'TelemetryPolicy e/none: spec.metrics.default.labels: empty: no metric labels',
      'TelemetryPolicy f/nometrics: spec.metrics.default.labels: missing: no metric labels',
    ]);
  });

  it('adds up two policies on one Gateway; on a label both name, the older one stays', () => {
    const { file, errors } = buildRequestDataFile(
      [
        policy(
          'team',
          'newer',
          onGateway('gw', {
            user: 'auth.identity.sub',
            tier: 'auth.identity.tier',
          }),
          '2026-12-07T11:00:00Z',
        ),
        policy('team', 'older', onGateway('gw'), '2026-12-07T10:00:00Z'),
      ],
      [wasmPlugin('team', 'gw', ['s1'])],
    );
    expect(file.gateways).toEqual([
      {
        gateway: 'team/gw',
        actionSets: ['s1'],
        labels: {
          group: 'auth.identity.groups',
          tier: 'auth.identity.tier',
          user: 'auth.identity.userid',
        },
      },
    ]);
    expect(errors).toEqual([
      'TelemetryPolicy team/newer: spec.metrics.default.labels.user: Gateway team/gw already has this label from TelemetryPolicy team/older; keeping that one',
    ]);
  });
});
