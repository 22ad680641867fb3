import { renderModel } from '../manifests/renderModel';
import { validateModelSpec } from '../manifests/validateModelSpec';
import {
  modelInput,
  servingAuthVariants,
  simulatorServing,
  testDefaults,
} from '../__testUtils__/modelInputs';
import { initiatedBy, users, usersGate } from '../__testUtils__/users';
import { modelManifestShape, shapeRefusals } from './manifestShape';

const shape = modelManifestShape(testDefaults);

function rendered(
  overrides: Parameters<typeof modelInput>[0] = {},
  catalogSource?: 'cluster',
): any[] {
  const result = validateModelSpec(modelInput(overrides), testDefaults);
  if (!result.spec) throw new Error(JSON.stringify(result.problems));
  return structuredClone(renderModel(result.spec, { catalogSource }).objects);
}
const byKind = (objects: any[], kind: string) =>
  objects.find(o => o.kind === kind);

describe('shapeRefusals', () => {
  it.each(servingAuthVariants)(
    'allows what Create model renders (%s), with or without the optional fields',
    (_name, serving, auth) => {
      expect(
        shapeRefusals(rendered({ serving, auth }, 'cluster'), shape),
      ).toEqual([]);
      expect(
        shapeRefusals(
          rendered({
            serving,
            auth,
            description: undefined,
            system: undefined,
          }),
          shape,
        ),
      ).toEqual([]);
    },
  );

  it("allows some of the portal's tiers with limits of the model's own", () => {
    const objects = rendered({
      tiers: [
        {
          name: 'premium',
          requests: { limit: 7, window: '30s' },
          tokens: { limit: 9, window: '1h' },
        },
      ],
    });
    expect(shapeRefusals(objects, shape)).toEqual([]);
  });

  it('refuses volumes, hostPath, a second container and privileged settings, naming the field', () => {
    const objects = rendered({ serving: simulatorServing });
    const isvc = byKind(objects, 'InferenceService');
    isvc.spec.predictor.volumes = [
      { name: 'host', hostPath: { path: '/var/run' } },
    ];
    const container = isvc.spec.predictor.containers[0];
    container.securityContext = { privileged: true };
    isvc.spec.predictor.containers.push({ ...container, name: 'miner' });
    expect(shapeRefusals(objects, shape)).toEqual([
      'InferenceService llm/qwen3: spec.predictor.volumes is not a field Create model writes',
      'InferenceService llm/qwen3: spec.predictor.containers has 2 items; Create model writes 1',
      'InferenceService llm/qwen3: spec.predictor.containers[0].securityContext is not a field Create model writes',
      'InferenceService llm/qwen3: spec.predictor.containers[1].securityContext is not a field Create model writes',
    ]);
  });

  it("refuses a hostPath in the vLLM runtime's volumes and extra metadata", () => {
    const objects = rendered();
    const runtime = byKind(objects, 'ServingRuntime');
    runtime.spec.volumes[0].hostPath = { path: '/' };
    runtime.metadata.ownerReferences = [];
    runtime.metadata.labels.team = 'x';
    expect(shapeRefusals(objects, shape)).toEqual([
      'ServingRuntime llm/qwen3-vllm: metadata.ownerReferences is not a field Create model writes',
      'ServingRuntime llm/qwen3-vllm: metadata.labels.team is not a field Create model writes',
      'ServingRuntime llm/qwen3-vllm: spec.volumes[0].hostPath is not a field Create model writes',
    ]);
  });

  it('refuses other kinds, naming the ones it applies', () => {
    const objects = [
      ...rendered(),
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'take-over' },
      },
    ];
    expect(shapeRefusals(objects, shape)).toEqual([
      'ClusterRoleBinding /take-over (rbac.authorization.k8s.io/v1) is not a kind Create model applies; it applies ServingRuntime, InferenceService, HTTPRoute, AuthPolicy, RateLimitPolicy, TokenRateLimitPolicy',
    ]);
  });

  it("refuses an AuthPolicy that adds a second way in or selects another model's keys", () => {
    const objects = rendered();
    const policy = byKind(objects, 'AuthPolicy');
    const authentication = policy.spec.rules.authentication;
    authentication['oidc-users'] = {
      jwt: { issuerUrl: 'https://evil.example.com' },
      credentials: { authorizationHeader: { prefix: 'Bearer' } },
    };
    authentication['api-key-users'].apiKey.selector.matchLabels[
      'maas.kuadrant.io/model'
    ] = 'other';
    expect(shapeRefusals(objects, shape)).toEqual([
      'AuthPolicy llm/qwen3-auth: spec.rules.authentication must hold {api-key-users} or {oidc-users}, as Create model writes it; it holds {api-key-users, oidc-users}',
      'AuthPolicy llm/qwen3-auth: its API-key selector must select the keys of its own model (maas.kuadrant.io/model, maas.kuadrant.io/model-namespace)',
    ]);
    delete authentication['oidc-users'];
    delete authentication['api-key-users'].apiKey.selector.matchLabels[
      'maas.kuadrant.io/model'
    ];
    expect(shapeRefusals(objects, shape)[0]).toMatch(
      /^AuthPolicy llm\/qwen3-auth: spec\.rules\.authentication\.api-key-users\.apiKey\.selector\.matchLabels must hold \{kuadrant\.io\/auth-secret, maas\.kuadrant\.io\/model, maas\.kuadrant\.io\/model-namespace\}/,
    );
  });

  it('is checked by the gate every maas:model:* action asks, before anything is applied', async () => {
    const objects = rendered({ serving: simulatorServing });
    byKind(objects, 'InferenceService').spec.predictor.volumes = [];
    await expect(
      usersGate().check(initiatedBy(users.devA), objects),
    ).rejects.toThrow(
      'The model cannot be created: InferenceService llm/qwen3: spec.predictor.volumes is not a field Create model writes',
    );
  });
});
