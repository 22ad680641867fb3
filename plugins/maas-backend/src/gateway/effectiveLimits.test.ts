import { LimitPolicy } from '@maas-portal/plugin-maas-node';
import { effectiveLimits } from './effectiveLimits';

const limit = (n: number, tier: string) => ({
  rates: [{ limit: n, window: '2m' }],
  when: [{ predicate: `auth.identity.tier == "${tier}"` }],
  counters: [{ expression: 'auth.identity.userid' }],
});

const policy = (
  name: string,
  spec: LimitPolicy['spec'],
  created = '2026-01-01T00:00:00Z',
): LimitPolicy => ({
  apiVersion: 'kuadrant.io/v1',
  kind: 'RateLimitPolicy',
  metadata: {
    name,
    namespace: 'llm',
    creationTimestamp: created as unknown as Date,
  },
  spec,
});

const gwRef = {
  group: 'gateway.networking.k8s.io',
  kind: 'Gateway',
  name: 'inference-gateway',
};
const routeRef = {
  group: 'gateway.networking.k8s.io',
  kind: 'HTTPRoute',
  name: 'qwen3',
};

const names = (policies: ReturnType<typeof effectiveLimits>) =>
  policies.map(
    e =>
      `${e.source.name}/${e.source.limitName}:${e.limit.rates![0].limit}:${
        e.source.section
      }`,
  );

describe('effectiveLimits', () => {
  it('takes plain gateway limits as defaults when the route has none', () => {
    const gw = policy('gw', {
      targetRef: gwRef,
      limits: { 'free-user-requests': limit(5, 'free') },
    });
    expect(names(effectiveLimits('RateLimitPolicy', [], [gw]))).toEqual([
      'gw/free-user-requests:5:limits',
    ]);
  });

  it('lets a route policy replace atomic gateway defaults', () => {
    const gw = policy('gw', {
      targetRef: gwRef,
      defaults: { limits: { a: limit(5, 'free'), b: limit(7, 'premium') } },
    });
    const route = policy('route', {
      targetRef: routeRef,
      limits: { a: limit(50, 'free') },
    });
    expect(names(effectiveLimits('RateLimitPolicy', [route], [gw]))).toEqual([
      'route/a:50:limits',
    ]);
  });

  it('merges route limits into gateway defaults with the merge strategy, route winning', () => {
    const gw = policy('gw', {
      targetRef: gwRef,
      defaults: {
        strategy: 'merge',
        limits: { a: limit(5, 'free'), b: limit(7, 'premium') },
      },
    });
    const route = policy('route', {
      targetRef: routeRef,
      limits: { a: limit(50, 'free') },
    });
    expect(
      names(effectiveLimits('RateLimitPolicy', [route], [gw])).sort(),
    ).toEqual(['gw/b:7:defaults', 'route/a:50:limits']);
  });

  it('lets gateway overrides win over the route', () => {
    const gw = policy('gw', {
      targetRef: gwRef,
      overrides: { limits: { a: limit(1, 'free') } },
    });
    const route = policy('route', {
      targetRef: routeRef,
      limits: { a: limit(50, 'free'), c: limit(9, 'gold') },
    });
    expect(names(effectiveLimits('RateLimitPolicy', [route], [gw]))).toEqual([
      'gw/a:1:overrides',
    ]);
  });

  it('merges gateway overrides by name with the merge strategy', () => {
    const gw = policy('gw', {
      targetRef: gwRef,
      overrides: { strategy: 'merge', limits: { a: limit(1, 'free') } },
    });
    const route = policy('route', {
      targetRef: routeRef,
      limits: { a: limit(50, 'free'), c: limit(9, 'gold') },
    });
    expect(
      names(effectiveLimits('RateLimitPolicy', [route], [gw])).sort(),
    ).toEqual(['gw/a:1:overrides', 'route/c:9:limits']);
  });

  it('lets the oldest of two route policies win', () => {
    const older = policy(
      'older',
      { targetRef: routeRef, limits: { a: limit(3, 'free') } },
      '2026-01-01T00:00:00Z',
    );
    const newer = policy(
      'newer',
      { targetRef: routeRef, limits: { a: limit(4, 'free') } },
      '2026-02-01T00:00:00Z',
    );
    expect(
      names(effectiveLimits('RateLimitPolicy', [newer, older], [])),
    ).toEqual(['older/a:3:limits']);
  });

  it('carries policy-wide predicates into each limit', () => {
    const route = policy('route', {
      targetRef: routeRef,
      defaults: {
        when: [{ predicate: 'request.method == "POST"' }],
        limits: { a: limit(3, 'free') },
      },
    });
    expect(
      effectiveLimits('RateLimitPolicy', [route], [])[0].sectionPredicates,
    ).toEqual(['request.method == "POST"']);
  });
});
