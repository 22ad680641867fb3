import { allowingGate } from '../__testUtils__/users';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import YAML from 'yaml';
import { createModelRenderAction } from './modelRender';
import {
  modelInput,
  simulatorServing,
  testDefaults,
} from '../__testUtils__/modelInputs';

describe('maas:model:render', () => {
  const workspace = createMockDirectory();
  const action = createModelRenderAction({
    defaults: testDefaults,
    gate: allowingGate(),
  });

  beforeEach(() => workspace.clear());

  it('writes the manifests and catalog-info.yaml and outputs the model', async () => {
    const ctx = createMockActionContext({
      input: modelInput() as any,
      workspacePath: workspace.path,
    });
    await action.handler(ctx);

    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'component:default/qwen3',
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'modelUrl',
      'http://qwen3.maas.local',
    );
    expect(ctx.output).toHaveBeenCalledWith('namespace', 'llm');
    expect(ctx.output).toHaveBeenCalledWith(
      'catalogInfoPath',
      'catalog-info.yaml',
    );
    const manifests = (ctx.output as jest.Mock).mock.calls.find(
      c => c[0] === 'manifests',
    )[1];
    expect(manifests.map((m: any) => `${m.kind}/${m.metadata.name}`)).toEqual([
      'ServingRuntime/qwen3-vllm',
      'InferenceService/qwen3',
      'HTTPRoute/qwen3-route',
      'AuthPolicy/qwen3-auth',
      'RateLimitPolicy/qwen3-rate-limits',
      'TokenRateLimitPolicy/qwen3-token-limits',
    ]);

    const files = workspace.content()!;
    expect(Object.keys(files).sort()).toEqual([
      'catalog-info.yaml',
      'manifests',
    ]);
    expect(Object.keys(files.manifests as object).sort()).toEqual([
      'authpolicy.yaml',
      'httproute.yaml',
      'inferenceservice.yaml',
      'kustomization.yaml',
      'ratelimitpolicy.yaml',
      'servingruntime.yaml',
      'tokenratelimitpolicy.yaml',
    ]);
    const entities = YAML.parseAllDocuments(
      files['catalog-info.yaml'] as string,
    ).map(d => d.toJS());
    expect(entities.map(e => `${e.kind}:${e.metadata.name}`)).toEqual([
      'Component:qwen3',
      'API:qwen3-api',
    ]);
  });

  it('writes under targetPath', async () => {
    const ctx = createMockActionContext({
      input: { ...modelInput(), targetPath: 'models/qwen3' } as any,
      workspacePath: workspace.path,
    });
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith(
      'catalogInfoPath',
      'models/qwen3/catalog-info.yaml',
    );
    expect(Object.keys(workspace.content({ path: 'models/qwen3' })!)).toContain(
      'catalog-info.yaml',
    );
  });

  it('rejects bad input before writing anything, naming the fields', async () => {
    const ctx = createMockActionContext({
      input: modelInput({
        serving: { ...simulatorServing, gpus: 1 },
        tiers: [
          {
            name: 'free',
            requests: { limit: 0, window: '1d' },
            tokens: { limit: 5, window: '1m' },
          },
        ],
      }) as any,
      workspacePath: workspace.path,
    });
    const error = await action.handler(ctx).catch(e => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain(
      'serving.gpus: the simulator runs without a GPU',
    );
    expect(error.message).toContain(
      'tiers[0].requests.limit: limit 0 must be a whole number above 0',
    );
    expect(error.message).toContain(
      'tiers[0].requests.window: window "1d" is not a Kuadrant window',
    );
    expect(workspace.content()).toEqual({});
    expect(ctx.output).not.toHaveBeenCalled();
  });
});
