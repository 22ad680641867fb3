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
      /must hold a Component annotated with .*: llm\/qwen3/,
    ],
    [
      'another kind',
      JSON.stringify([component('llm/qwen3'), { ...api, kind: 'Group' }]),
      /and APIs/,
    ],
  ])('rejects an annotation that is %s', (_case, annotation, reason) => {
    const result = modelEntitiesFromCluster([isvc('qwen3', annotation)]);
    expect(result.entities).toEqual([]);
    expect(result.rejected).toEqual([
      { inferenceService: 'llm/qwen3', reason: expect.stringMatching(reason) },
    ]);
  });
});
