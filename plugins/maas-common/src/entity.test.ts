import { Entity } from '@backstage/catalog-model';
import { getHttpRouteRef, isMaasAvailable, parseObjectRef } from './entity';
import {
  MAAS_HTTP_ROUTE_ANNOTATION,
  MAAS_INFERENCE_SERVICE_ANNOTATION,
} from './annotations';

const entity = (annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'qwen3', annotations },
  spec: { type: 'model-server', owner: 'team-a', lifecycle: 'production' },
});

describe('entity guards', () => {
  it('offers the Usage tab only on entities annotated with an InferenceService', () => {
    expect(
      isMaasAvailable(
        entity({ [MAAS_INFERENCE_SERVICE_ANNOTATION]: 'llm/qwen3' }),
      ),
    ).toBe(true);
    expect(isMaasAvailable(entity({}))).toBe(false);
    expect(
      isMaasAvailable(entity({ [MAAS_INFERENCE_SERVICE_ANNOTATION]: 'qwen3' })),
    ).toBe(false);
  });

  it('reads the route reference', () => {
    expect(
      getHttpRouteRef(
        entity({ [MAAS_HTTP_ROUTE_ANNOTATION]: 'llm/qwen3-route' }),
      ),
    ).toEqual({
      namespace: 'llm',
      name: 'qwen3-route',
    });
  });

  it.each(['', 'a/b/c', 'LLM/qwen', 'llm/', '/qwen', 'llm/qwen_3'])(
    'rejects %p',
    value => {
      expect(parseObjectRef(value)).toBeUndefined();
    },
  );
});
