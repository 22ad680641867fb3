/*
 * Issue #20 LOW: the GPU and CPU caps of a namespace in total (`maas.create.namespaces[].maxGpus`,
 * `.maxCpu`), on top of the caps of one model. `maas:model:apply`, run by the real scaffolder over
 * HTTP, reads what the namespace's other InferenceServices ask for and refuses a model that would
 * take the namespace over its cap, naming the cap, the current total and what the model adds; a
 * model applied again counts once. The caps bind admins too.
 */
import { KubernetesObject } from '@kubernetes/client-node';
import { apiVersionOf, INFERENCE_SERVICE } from '@maas-portal/plugin-maas-node';
import { ModelObjectApi } from '../cluster/ModelObjectApi';
import { modelObjectsIn } from '../__testUtils__/harness';
import {
  applyInput,
  gpuServing,
  modelInput,
  simulatorServing,
} from '../__testUtils__/modelInputs';
import { useCraftedApply } from '../__testUtils__/craftedApplyTemplate';
import { users } from '../__testUtils__/users';

jest.setTimeout(120000);

describe('LOW: GPU and CPU caps of a namespace in total (maas:model:apply through the scaffolder)', () => {
  const { cluster, ns, run } = useCraftedApply('capped-apply', 'maas-caps', {
    maxGpus: 1,
    maxCpu: '1',
  });

  /** A model deployed by hand in the namespace, asking for `cpu` and `gpus`. */
  const deployedByHand = (name: string, cpu: string, gpus: string) =>
    ModelObjectApi.forConfig(cluster.admin).create({
      apiVersion: apiVersionOf(INFERENCE_SERVICE),
      kind: INFERENCE_SERVICE.kind,
      metadata: { name, namespace: ns() },
      spec: {
        predictor: {
          containers: [
            {
              name: 'kserve-container',
              image: 'vllm/vllm-openai:latest',
              resources: {
                requests: { cpu, 'nvidia.com/gpu': gpus },
                limits: { cpu, 'nvidia.com/gpu': gpus },
              },
            },
          ],
        },
      },
    } as KubernetesObject);

  const simulator = () =>
    applyInput(modelInput({ name: 'small', serving: simulatorServing }), ns());
  const gpu = () =>
    applyInput(modelInput({ name: 'big', serving: gpuServing }), ns());
  const ids = async () =>
    (await modelObjectsIn(cluster.admin, ns())).map(o => o.id).sort();

  it('LOW: refuses a model that would take the namespace over its CPU or GPU cap, to a developer and the admin alike, naming the cap and the current total', async () => {
    await deployedByHand('by-hand', '600m', '1');
    const cap = (key: string) =>
      `above its cap (maas.create.namespaces[0].${key})`;
    for (const as of [users.devA, users.admin]) {
      const small = await run(as, simulator());
      expect(small.status).toBe('failed');
      expect(small.log).toContain(
        `The model cannot be created: namespace "${ns()}" would use 1.1 CPU (cpu) in all, ${cap(
          'maxCpu',
        )}: at most 1; its other models use 0.6 now and this model asks for 0.5`,
      );
      const big = await run(as, gpu());
      expect(big.status).toBe('failed');
      expect(big.log).toContain(
        `namespace "${ns()}" would use 2 GPUs (nvidia.com/gpu) in all, ${cap(
          'maxGpus',
        )}: at most 1; its other models use 1 now and this model asks for 1`,
      );
      expect(big.log).toContain(
        `would use 4.6 CPU (cpu) in all, ${cap('maxCpu')}`,
      );
    }
    // The developer of team B never gets as far as the caps.
    const teamB = await run(users.devB, simulator());
    expect(teamB.status).toBe('failed');
    expect(teamB.log).toContain('may not create models');
    expect(teamB.log).not.toContain('maxCpu');
    expect(await ids()).toEqual(['InferenceService/by-hand']);
  });

  it('LOW: applies a model that fits, and the same model again (it counts once)', async () => {
    await ModelObjectApi.forConfig(cluster.admin).delete({
      apiVersion: apiVersionOf(INFERENCE_SERVICE),
      kind: INFERENCE_SERVICE.kind,
      metadata: { name: 'by-hand', namespace: ns() },
    });
    await deployedByHand('by-hand-small', '200m', '0');
    // 0.2 + 0.5 fits under 1; applied again, 0.2 + 0.5 still (not 0.2 + 0.5 + 0.5).
    for (let i = 0; i < 2; i++) {
      const { status, log } = await run(users.devA, simulator());
      expect({ status, log }).toMatchObject({ status: 'completed' });
    }
    expect(await ids()).toContain('InferenceService/small');
  });
});
