import { InferenceService } from '@maas-portal/plugin-maas-node';
import { modelEntitiesFromCluster } from './modelEntitiesFromCluster';

const component = (isvcRef: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'qwen3',
    annotations: { 'maas.kuadrant.io/inference-service': isvcRef },
  },
  spec: {
    type: 'model-server',
    owner: 'team-a',
    lifecycle: 'production',
    providesApis: ['qwen3-api'],
  },
});
const api = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'API',
  metadata: { name: 'qwen3-api' },
  spec: { type: 'openai' },
};
const isvc = (name: string, annotation?: string): InferenceService => ({
  apiVersion: 'serving.kserve.io/v1beta1',
  kind: 'InferenceService',
  metadata: {
    name,
    namespace: 'llm',
    annotations: annotation
      ? { 'maas.kuadrant.io/catalog-entities': annotation }
      : {},
  },
});

describe('modelEntitiesFromCluster', () => {
  it('gives a contested entity ref to the older of two same-named models, and says so for the other', () => {
    const at = (name: string, namespace: string, created: string) => {
      const made = isvc(
        name,
        JSON.stringify([component(`${namespace}/${name}`), api]),
      );
      made.metadata.namespace = namespace;
      made.metadata.creationTimestamp = created as any;
      return made;
    };
    const result = modelEntitiesFromCluster([
      at('qwen3', 'team-b', '2026-11-02T00:00:00Z'),
      at('qwen3', 'llm', '2026-11-01T00:00:00Z'),
    ]);
    expect(
      result.entities.map(
        e => e.metadata.annotations!['backstage.io/managed-by-location'],
      ),
    ).toEqual(['maas-cluster:llm/qwen3', 'maas-cluster:llm/qwen3']);
    expect(result.rejected).toEqual([
      {
        inferenceService: 'team-b/qwen3',
        reason:
          'component:default/qwen3 is already the entity of llm/qwen3; a model of the same name in another namespace needs entities of its own names',
      },
    ]);
  });

  it('refuses a Component other than the one the InferenceService names back', () => {
    const bound: InferenceService = {
      ...isvc('qwen3', JSON.stringify([component('llm/qwen3'), api])),
    };
    bound.metadata.annotations!['maas.kuadrant.io/entity-ref'] =
      'component:team-a/qwen3';
    expect(modelEntitiesFromCluster([bound]).rejected).toEqual([
      {
        inferenceService: 'llm/qwen3',
        reason:
          'maas.kuadrant.io/catalog-entities holds component:default/qwen3, but the InferenceService names component:team-a/qwen3 (maas.kuadrant.io/entity-ref)',
      },
    ]);
  });

  it('takes the entities of models applied by the portal, with their location', () => {
    const result = modelEntitiesFromCluster([
      isvc('qwen3', JSON.stringify([component('llm/qwen3'), api])),
      isvc('hand-made'),
    ]);
    expect(result.rejected).toEqual([]);
    expect(
      result.entities.map(e => [
        e.kind,
        e.metadata.name,
        e.metadata.annotations!['backstage.io/managed-by-location'],
      ]),
    ).toEqual([
      ['Component', 'qwen3', 'maas-cluster:llm/qwen3'],
      ['API', 'qwen3-api', 'maas-cluster:llm/qwen3'],
    ]);
  });

  it.each([
    ['not JSON', '{', /is not JSON/],
    [
      'not entities',
      JSON.stringify([{ kind: 'Component' }]),
      /is not a list of entities/,
    ],
    [
      'a Component of another model',
      JSON.stringify([component('llm/other'), api]),
      /must hold one Component annotated with .*: llm\/qwen3/,
    ],
    [
      'another kind',
      JSON.stringify([component('llm/qwen3'), { ...api, kind: 'Group' }]),
      /and the APIs it provides; group:default\/qwen3-api is not one of them/,
    ],
    [
      'its own Component plus one for another model',
      JSON.stringify([
        component('llm/qwen3'),
        api,
        {
          ...component('llm/other'),
          metadata: {
            ...component('llm/other').metadata,
            name: 'other',
          },
        },
      ]),
      /must hold one Component annotated with/,
    ],
    [
      'an API its Component does not provide',
      JSON.stringify([
        component('llm/qwen3'),
        api,
        { ...api, metadata: { name: 'other-api' } },
      ]),
      /api:default\/other-api is not one of them/,
    ],
  ])('rejects an annotation that is %s', (_case, annotation, reason) => {
    const result = modelEntitiesFromCluster([isvc('qwen3', annotation)]);
    expect(result.entities).toEqual([]);
    expect(result.rejected).toEqual([
      { inferenceService: 'llm/qwen3', reason: expect.stringMatching(reason) },
    ]);
  });
});
