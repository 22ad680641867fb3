import { KubernetesObjectApi } from '@kubernetes/client-node';
import { apiVersionOf, INFERENCE_SERVICE } from '@maas-portal/plugin-maas-node';
import { applyModelObjects } from '../cluster/applyModelObjects';
import {
  modelInput,
  renderedObjects,
  simulatorServing,
} from '../__testUtils__/modelInputs';
import { useTestNamespace, waitFor } from '../__testUtils__/harness';

/** The apply action binds the model's AuthPolicy to its InferenceService's UID (real API server). */
describe('the AuthPolicy as the apply action writes it', () => {
  const cluster = useTestNamespace('maas-keybind');

  const read = (kind: string, apiVersion: string, name: string) =>
    KubernetesObjectApi.makeApiClient(cluster.admin).read({
      apiVersion,
      kind,
      metadata: { name, namespace: cluster.namespace },
    });
  const isvcUid = async () =>
    (
      await read(
        INFERENCE_SERVICE.kind,
        apiVersionOf(INFERENCE_SERVICE),
        'bound',
      )
    ).metadata!.uid!;
  const selectedUid = async () =>
    ((await read('AuthPolicy', 'kuadrant.io/v1', 'bound-auth')) as any).spec
      .rules.authentication['api-key-users'].apiKey.selector.matchLabels[
      'maas.kuadrant.io/model-uid'
    ];
  const objects = () =>
    renderedObjects(
      modelInput({ name: 'bound', serving: simulatorServing }),
      cluster.namespace,
    );

  it("selects keys by the InferenceService's UID, and by the new one when the model is made again", async () => {
    await applyModelObjects({ kubeConfig: cluster.admin, objects: objects() });
    const first = await isvcUid();
    expect(await selectedUid()).toBe(first);

    const again = await applyModelObjects({
      kubeConfig: cluster.admin,
      objects: objects(),
    });
    expect(again.find(a => a.kind === 'AuthPolicy')!.outcome).toBe('unchanged');

    await KubernetesObjectApi.makeApiClient(cluster.admin).delete({
      apiVersion: apiVersionOf(INFERENCE_SERVICE),
      kind: INFERENCE_SERVICE.kind,
      metadata: { name: 'bound', namespace: cluster.namespace },
    });
    await waitFor('the InferenceService to be gone', () =>
      isvcUid().then(
        () => false,
        () => true,
      ),
    );
    await applyModelObjects({ kubeConfig: cluster.admin, objects: objects() });
    const second = await isvcUid();
    expect(second).not.toBe(first);
    expect(await selectedUid()).toBe(second);
  });
});
