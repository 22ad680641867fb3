import {
  gpuServing,
  modelInput,
  renderedObjects,
  simulatorServing,
} from '../__testUtils__/modelInputs';
import { usersGate, users } from '../__testUtils__/users';
import { createRefusals } from './createRefusals';

describe('createRefusals', () => {
  const rules = usersGate().rules;
  const gpu = (serving: object, namespace = 'llm') =>
    renderedObjects(
      modelInput({ serving: { ...gpuServing, ...serving } }),
      namespace,
    );

  it('allows the rendered model with the defaults in a namespace of the user', () => {
    expect(createRefusals(gpu({}), rules, users.devA)).toEqual([]);
    expect(createRefusals(gpu({}, 'team-a-models'), rules, users.devA)).toEqual(
      [],
    );
    expect(
      createRefusals(
        renderedObjects(modelInput({ serving: simulatorServing }), 'llm'),
        rules,
        users.devB,
      ),
    ).toEqual([]);
  });

  it('refuses a namespace outside the allow-list, naming the setting and the allowed ones', () => {
    expect(createRefusals(gpu({}, 'team-b-models'), rules, users.devA)).toEqual(
      [
        'namespace "team-b-models" is not one you may create models in (maas.create.namespaces); yours: llm, team-a-models',
      ],
    );
    expect(
      createRefusals(gpu({}, 'team-b-models'), rules, users.admin),
    ).toEqual([]);
  });

  it('refuses images, storage schemes and resources the config does not allow', () => {
    expect(
      createRefusals(
        gpu({
          image: 'evil/miner:1',
          storageUri: 'pvc://shared/weights',
          gpus: 8,
          cpu: '64',
          memory: '1Ti',
        }),
        rules,
        users.admin,
      ),
    ).toEqual([
      'serving.image "evil/miner:1" is not an allowed vLLM image (maas.create.images.vllm); allowed: vllm/vllm-openai:latest',
      'serving.storageUri "pvc://shared/weights" does not use an allowed storage scheme (maas.create.storageSchemes); allowed: hf://, s3://, gs://, oci://',
      'serving.gpus: 8 (nvidia.com/gpu) is above the cap (maas.create.maxGpus): at most 4',
      'serving.cpu: 64 (cpu) is above the cap (maas.create.maxCpu): at most 16',
      'serving.memory: 1024Gi (memory) is above the cap (maas.create.maxMemory): at most 64Gi',
    ]);
  });

  it('refuses the simulator with an image outside its own list', () => {
    const objects = renderedObjects(
      modelInput({
        serving: { ...simulatorServing, image: 'vllm/vllm-openai:latest' },
      }),
      'llm',
    );
    expect(createRefusals(objects, rules, users.devA)).toEqual([
      'serving.image "vllm/vllm-openai:latest" is not an allowed simulator image (maas.create.images.simulator); allowed: ghcr.io/llm-d/llm-d-inference-sim:latest',
    ]);
  });

  it('takes configured images (with a trailing *), schemes and caps', () => {
    const configured = usersGate({
      images: { vllm: ['registry.internal/vllm:*'] },
      storageSchemes: ['pvc'],
      maxGpus: 8,
    }).rules;
    expect(
      createRefusals(
        gpu({
          image: 'registry.internal/vllm:0.9',
          storageUri: 'pvc://shared/weights',
          gpus: 8,
        }),
        configured,
        users.devA,
      ),
    ).toEqual([]);
  });

  it('refuses a host name outside maas.domainSuffix', () => {
    const objects = renderedObjects(
      modelInput({ hostname: 'api.example.com' }),
      'llm',
    );
    expect(createRefusals(objects, rules, users.devA)).toEqual([
      `hostname "api.example.com" is outside the portal's domain (maas.domainSuffix): host names must end in ".maas.local"`,
    ]);
  });

  it('counts a resource value that is no quantity as over the cap', () => {
    const objects = gpu({});
    const isvc = objects.find(o => o.kind === 'InferenceService')!;
    (isvc.spec as any).predictor.model.resources.limits.cpu = 'lots';
    expect(createRefusals(objects, rules, users.devA)).toEqual([
      'serving.cpu: a bad value (cpu) is above the cap (maas.create.maxCpu): at most 16',
    ]);
  });
});
