import { createMockDirectory } from '@backstage/backend-test-utils';
import { NotAllowedError } from '@backstage/errors';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  applyInput,
  gpuServing,
  modelInput,
  testDefaults,
} from '../__testUtils__/modelInputs';
import {
  initiatedBy,
  TestUser,
  users,
  usersGate,
} from '../__testUtils__/users';
import { createModelApplyAction } from './modelApply';
import { createModelCheckNameAction } from './modelCheckName';
import { createModelRenderAction } from './modelRender';

/**
 * The "Create model" actions with three signed-in users (a developer of team A, one of team B, an
 * admin); the tests' permission policy grants `maas.model.create` to team A and the admins.
 * Every refusal here comes before any cluster call: the kube config would throw if asked.
 */
describe('Create model actions, per user', () => {
  const workspace = createMockDirectory();
  const gate = usersGate();
  const noCluster = () => {
    throw new Error('the cluster must not be reached');
  };
  const render = createModelRenderAction({ defaults: testDefaults, gate });
  const apply = createModelApplyAction({
    kubeConfig: noCluster,
    defaults: testDefaults,
    gate,
  });
  const checkName = createModelCheckNameAction({
    kubeConfig: noCluster,
    defaults: testDefaults,
    gate,
  });

  beforeEach(() => workspace.clear());

  const contextAs = (who: TestUser, input: object) => ({
    ...createMockActionContext({
      input: input as any,
      workspacePath: workspace.path,
    }),
    ...initiatedBy(who),
  });
  const renderAs = (who: TestUser, input: object) =>
    render.handler(contextAs(who, input) as any);
  const checkNameAs = (who: TestUser, input: object) =>
    checkName.handler(contextAs(who, input) as any);
  const applyAs = (who: TestUser, input: object) =>
    apply.handler(contextAs(who, input) as any);
  /** Applies the default model, rendered into `namespace`, as `who`. */
  const applyRenderedAs = (who: TestUser, namespace: string) =>
    applyAs(who, applyInput(modelInput(), namespace));

  it.each([
    ['the admin', 'llm', users.admin],
    ['the admin', 'team-b-models', users.admin],
    ['a developer of team A', 'llm', users.devA],
    ['a developer of team A', 'team-a-models', users.devA],
  ])('renders for %s into %s', async (_, namespace, who) => {
    const ctx = contextAs(who, modelInput({ namespace }));
    await render.handler(ctx as any);
    expect(ctx.output).toHaveBeenCalledWith('namespace', namespace);
  });

  it('refuses a developer without maas.model.create at every step, naming the permission', async () => {
    const message =
      'user:default/bob may not create models: the permission policy does not grant maas.model.create. Ask a portal admin for it.';
    await expect(renderAs(users.devB, modelInput())).rejects.toThrow(
      new NotAllowedError(message),
    );
    await expect(checkNameAs(users.devB, { name: 'qwen3' })).rejects.toThrow(
      message,
    );
    await expect(applyRenderedAs(users.devB, 'llm')).rejects.toThrow(message);
    expect(workspace.content()).toEqual({});
  });

  it('refuses a namespace outside the allow-list, naming maas.create.namespaces', async () => {
    const refusal =
      'namespace "team-b-models" is not one you may create models in (maas.create.namespaces); yours: llm, team-a-models';
    await expect(
      renderAs(users.devA, modelInput({ namespace: 'team-b-models' })),
    ).rejects.toThrow(`The model cannot be created: ${refusal}`);
    await expect(
      checkNameAs(users.devA, {
        name: 'qwen3',
        namespace: 'team-b-models',
      }),
    ).rejects.toThrow(refusal);
    // Hand-written manifests are checked as much as rendered ones.
    await expect(applyRenderedAs(users.devA, 'team-b-models')).rejects.toThrow(
      refusal,
    );
    expect(workspace.content()).toEqual({});
  });

  it('refuses a disallowed image, storage scheme and GPU count, even for the admin', async () => {
    const error = await renderAs(
      users.admin,
      modelInput({
        serving: {
          ...gpuServing,
          image: 'docker.io/someone/vllm:dev',
          storageUri: 'pvc://shared/weights',
          gpus: 16,
        },
      }),
    ).catch(e => e);
    expect(error).toBeInstanceOf(NotAllowedError);
    expect(error.message).toBe(
      'The model cannot be created: ' +
        'serving.image "docker.io/someone/vllm:dev" is not an allowed vLLM image (maas.create.images.vllm); allowed: vllm/vllm-openai:latest; ' +
        'serving.storageUri "pvc://shared/weights" does not use an allowed storage scheme (maas.create.storageSchemes); allowed: hf://, s3://, gs://, oci://; ' +
        'serving.gpus: 16 (nvidia.com/gpu) is above the cap (maas.create.maxGpus): at most 4',
    );
  });

  it('refuses in apply what render would refuse, before reaching the cluster', async () => {
    const input = applyInput(modelInput(), 'llm');
    const isvc = input.manifests.find(o => o.kind === 'InferenceService')!;
    (isvc.spec as any).predictor.model.resources.limits['nvidia.com/gpu'] = '8';
    await expect(applyAs(users.admin, input)).rejects.toThrow(
      'serving.gpus: 8 (nvidia.com/gpu) is above the cap (maas.create.maxGpus): at most 4',
    );
  });

  it('checks the host name against maas.domainSuffix in the name check', async () => {
    await expect(
      checkNameAs(users.devA, {
        name: 'qwen3',
        hostname: 'qwen3.example.com',
      }),
    ).rejects.toThrow(
      `hostname "qwen3.example.com" is outside the portal's domain (maas.domainSuffix): host names must end in ".maas.local"`,
    );
  });
});
