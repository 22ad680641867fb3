import { stringifyEntityRef } from '@backstage/catalog-model';
import { InferenceService } from '@maas-portal/plugin-maas-node';
import { modelEntitiesFromCluster } from './modelEntitiesFromCluster';

const OPTIONS = {
  portalNamespace: 'llm',
  namespaces: ['llm', 'team-b'],
  scheme: 'https' as const,
};

/** What Create model writes into the annotation, with `overrides` on the Component's metadata. */
const described = (overrides: object = {}) => [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'qwen3',
      description: 'Qwen3 on vLLM',
      tags: ['model', 'vllm', 'Not A Tag'],
      links: [{ url: 'https://phishing.example.com', title: 'Model endpoint' }],
      annotations: {
        'maas.kuadrant.io/inference-service': 'llm/qwen3',
        'maas.kuadrant.io/hostname': 'qwen3.maas.example.com',
        'maas.kuadrant.io/auth-mode': 'api-key',
        'backstage.io/kubernetes-id': 'qwen3',
        'backstage.io/kubernetes-namespace': 'llm',
        'backstage.io/kubernetes-label-selector':
          'serving.kserve.io/inferenceservice=qwen3',
      },
      ...overrides,
    },
    spec: {
      type: 'model-server',
      owner: 'group:default/team-a',
      lifecycle: 'production',
      system: 'system:default/maas',
      providesApis: ['qwen3-api'],
    },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: { name: 'qwen3-api' },
    spec: { type: 'openai', definition: 'openapi: 3.0.3' },
  },
];

const isvc = (
  namespace: string,
  name: string,
  annotation: unknown,
  more: Record<string, string> = {},
  created = '2026-11-01T00:00:00Z',
): InferenceService => ({
  apiVersion: 'serving.kserve.io/v1beta1',
  kind: 'InferenceService',
  metadata: {
    name,
    namespace,
    creationTimestamp: created as any,
    annotations: {
      ...(annotation === undefined
        ? {}
        : {
            'maas.kuadrant.io/catalog-entities':
              typeof annotation === 'string'
                ? annotation
                : JSON.stringify(annotation),
          }),
      ...more,
    },
  },
});

const refs = (result: ReturnType<typeof modelEntitiesFromCluster>) =>
  result.entities.map(e => stringifyEntityRef(e));

describe('modelEntitiesFromCluster', () => {
  it('builds the entities from the InferenceService: derived names, only the annotations the portal writes', () => {
    const result = modelEntitiesFromCluster(
      [isvc('llm', 'qwen3', described()), isvc('llm', 'hand-made', undefined)],
      OPTIONS,
    );
    expect(result.rejected).toEqual([]);
    expect(refs(result)).toEqual([
      'component:default/qwen3',
      'api:default/qwen3-api',
    ]);
    const [component, api] = result.entities;
    expect(component.metadata).toEqual({
      name: 'qwen3',
      description: 'Qwen3 on vLLM',
      tags: ['model', 'vllm'],
      links: [
        { url: 'https://qwen3.maas.example.com', title: 'Model endpoint' },
      ],
      annotations: {
        'backstage.io/managed-by-location': 'maas-cluster:llm/qwen3',
        'backstage.io/managed-by-origin-location': 'maas-cluster:llm/qwen3',
        'maas.kuadrant.io/inference-service': 'llm/qwen3',
        'maas.kuadrant.io/http-route': 'llm/qwen3-route',
        'maas.kuadrant.io/hostname': 'qwen3.maas.example.com',
        'maas.kuadrant.io/auth-mode': 'api-key',
        'backstage.io/kubernetes-id': 'qwen3',
        'backstage.io/kubernetes-namespace': 'llm',
        'backstage.io/kubernetes-label-selector':
          'serving.kserve.io/inferenceservice=qwen3',
      },
    });
    expect(component.spec).toEqual({
      type: 'model-server',
      lifecycle: 'production',
      owner: 'group:default/team-a',
      system: 'system:default/maas',
      providesApis: ['api:default/qwen3-api'],
    });
    expect(api.spec).toMatchObject({
      owner: 'group:default/team-a',
      definition: 'openapi: 3.0.3',
    });
  });

  it('H1: an annotation cannot point the Kubernetes tab at another namespace or add annotations of its own', () => {
    const hostile = described({
      annotations: {
        'maas.kuadrant.io/inference-service': 'kuadrant-system/keys',
        'backstage.io/kubernetes-namespace': 'kuadrant-system',
        'backstage.io/kubernetes-label-selector':
          'kuadrant.io/auth-secret=true',
        'backstage.io/kubernetes-cluster': 'other',
        'backstage.io/techdocs-ref': 'url:https://evil.example.com',
      },
    });
    const [component] = modelEntitiesFromCluster(
      [isvc('llm', 'qwen3', hostile)],
      OPTIONS,
    ).entities;
    expect(component.metadata.annotations).toEqual({
      'backstage.io/managed-by-location': 'maas-cluster:llm/qwen3',
      'backstage.io/managed-by-origin-location': 'maas-cluster:llm/qwen3',
      'maas.kuadrant.io/inference-service': 'llm/qwen3',
      'maas.kuadrant.io/http-route': 'llm/qwen3-route',
      'backstage.io/kubernetes-id': 'qwen3',
      'backstage.io/kubernetes-namespace': 'llm',
      'backstage.io/kubernetes-label-selector':
        'serving.kserve.io/inferenceservice=qwen3',
    });
  });

  it('H1: takes no InferenceService outside maas.catalog.namespaces, and says which namespaces are served', () => {
    const result = modelEntitiesFromCluster(
      [isvc('kuadrant-system', 'qwen3', described())],
      OPTIONS,
    );
    expect(result.entities).toEqual([]);
    expect(result.rejected).toEqual([
      {
        inferenceService: 'kuadrant-system/qwen3',
        reason:
          'namespace kuadrant-system is not one of maas.catalog.namespaces (llm, team-b); add it there if its models belong in the catalog',
      },
    ]);
  });

  it("M4: a model in another served namespace that claims an existing model's entity gets entities of its own name", () => {
    const squat = described({ name: 'qwen3', namespace: 'default' });
    const result = modelEntitiesFromCluster(
      [
        isvc('team-b', 'qwen3', squat, {}, '2026-10-01T00:00:00Z'),
        isvc('llm', 'qwen3', described()),
      ],
      OPTIONS,
    );
    expect(result.rejected).toEqual([]);
    expect(refs(result).sort()).toEqual([
      'api:default/qwen3-api',
      'api:team-b/qwen3-api',
      'component:default/qwen3',
      'component:team-b/qwen3',
    ]);
    const own = result.entities.find(
      e => stringifyEntityRef(e) === 'component:default/qwen3',
    )!;
    expect(
      own.metadata.annotations!['maas.kuadrant.io/inference-service'],
    ).toBe('llm/qwen3');
  });

  it('gives a contested entity ref to the older of two InferenceServices, and says so for the other', () => {
    // `default` served as well as the portal's namespace: both derive component:default/qwen3.
    const result = modelEntitiesFromCluster(
      [
        isvc('llm', 'qwen3', described(), {}, '2026-11-02T00:00:00Z'),
        isvc('default', 'qwen3', described(), {}, '2026-11-01T00:00:00Z'),
      ],
      { ...OPTIONS, namespaces: ['llm', 'default'] },
    );
    expect(
      result.entities.map(
        e => e.metadata.annotations!['backstage.io/managed-by-location'],
      ),
    ).toEqual(['maas-cluster:default/qwen3', 'maas-cluster:default/qwen3']);
    expect(result.rejected).toEqual([
      {
        inferenceService: 'llm/qwen3',
        reason:
          'component:default/qwen3 is already the entity of default/qwen3, an older model of the same name',
      },
    ]);
  });

  it('takes the owner the InferenceService records over the one in the annotation', () => {
    const [component] = modelEntitiesFromCluster(
      [
        isvc('llm', 'qwen3', described(), {
          'maas.kuadrant.io/model-owner': 'group:default/team-c',
        }),
      ],
      OPTIONS,
    ).entities;
    expect(component.spec!.owner).toBe('group:default/team-c');
  });

  it.each([
    ['not JSON', '{', /is not JSON/],
    ['not a list', { kind: 'Component' }, /is not a list of entities/],
    ['without a Component', [described()[1]], /holds no Component/],
    [
      'without an owner',
      [{ ...described()[0], spec: { type: 'model-server' } }, described()[1]],
      /no owner: set maas\.kuadrant\.io\/model-owner/,
    ],
    [
      'without an API definition',
      [described()[0]],
      /holds no API with its OpenAPI definition/,
    ],
  ])('rejects an annotation %s, naming why', (_case, annotation, reason) => {
    const result = modelEntitiesFromCluster(
      [isvc('llm', 'qwen3', annotation)],
      OPTIONS,
    );
    expect(result.entities).toEqual([]);
    expect(result.rejected).toEqual([
      { inferenceService: 'llm/qwen3', reason: expect.stringMatching(reason) },
    ]);
  });

  it('rejects an InferenceService bound to an entity other than its derived one', () => {
    const result = modelEntitiesFromCluster(
      [
        isvc('llm', 'qwen3', described(), {
          'maas.kuadrant.io/entity-ref': 'component:default/other',
        }),
      ],
      OPTIONS,
    );
    expect(result.rejected).toEqual([
      {
        inferenceService: 'llm/qwen3',
        reason:
          'the InferenceService names component:default/other (maas.kuadrant.io/entity-ref), but a model in llm named qwen3 is component:default/qwen3',
      },
    ]);
  });
});
