import { mockServices } from '@backstage/backend-test-utils';
import { ServiceUnavailableError } from '@backstage/errors';
import { EntityBindings } from './EntityBindings';

const REF = {
  entityRef: 'component:default/qwen3',
  inferenceService: { namespace: 'llm', name: 'qwen3' },
};
const bindings = (state?: any) =>
  new EntityBindings({
    state,
    userInfo: mockServices.userInfo(),
    adminGroups: ['group:default/platform-team'],
  });
const status = (syncedAt?: string, message?: string) => () => ({
  kind: 'InferenceService',
  state: syncedAt ? 'synced' : 'starting',
  syncedAt,
  ageSeconds: 0,
  ...(message ? { failure: { type: 'unreachable', message } } : {}),
});

describe('EntityBindings', () => {
  it('binds nothing without a cluster, and says so', () => {
    expect(bindings().of(REF)).toEqual({
      bound: false,
      adoptable: false,
      reason: expect.stringMatching(
        /^No cluster is connected to the portal, so no model can be bound to its entity/,
      ),
    });
  });

  it('gives no verdict while the InferenceServices are not read yet (503, not "not on the cluster")', () => {
    const loading = bindings({ get: () => undefined, status: status() });
    expect(() => loading.of(REF)).toThrow(
      new ServiceUnavailableError(
        'The portal is still reading InferenceServices from the cluster; try again in a moment',
      ),
    );
    const failing = bindings({
      get: () => undefined,
      status: status(undefined, 'The API server does not answer'),
    });
    expect(() => failing.require(REF)).toThrow(
      'The API server does not answer',
    );
    expect(failing.refusalToDecide([], REF)).toBe(
      'The API server does not answer',
    );
  });

  it('says a model is gone once the cache is read', () => {
    const read = bindings({
      get: () => undefined,
      status: status('2026-11-30T00:00:00Z'),
    });
    expect(() => read.require(REF)).toThrow(
      'component:default/qwen3 points at the InferenceService llm/qwen3, which is not on the cluster',
    );
  });
});
