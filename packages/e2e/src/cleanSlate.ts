import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
} from '@kubernetes/client-node';

/**
 * The objects Create model writes for a model, all labelled `serving.kserve.io/inferenceservice`
 * (the label the Kubernetes tab selects by). Policies first, the InferenceService last.
 */
const MODEL_KINDS = [
  {
    group: 'kuadrant.io',
    version: 'v1alpha1',
    plural: 'tokenratelimitpolicies',
  },
  { group: 'kuadrant.io', version: 'v1', plural: 'ratelimitpolicies' },
  { group: 'kuadrant.io', version: 'v1', plural: 'authpolicies' },
  { group: 'gateway.networking.k8s.io', version: 'v1', plural: 'httproutes' },
  {
    group: 'serving.kserve.io',
    version: 'v1alpha1',
    plural: 'servingruntimes',
  },
  {
    group: 'serving.kserve.io',
    version: 'v1beta1',
    plural: 'inferenceservices',
  },
];
const MODEL_LABEL = 'serving.kserve.io/inferenceservice';

/**
 * The browser tests run one after another in one harness, and several make the models the seeded
 * metrics are for (`simulator`, `qwen3`). Each starts from a clean slate: the models an earlier
 * browser test made in `namespace`, and their key Secrets, are deleted, and this waits until they
 * are gone (kuadrant-operator removes its finalizers from the policies).
 */
export async function deleteModelsOfEarlierTests(
  kc: KubeConfig,
  namespace = 'llm',
  keysNamespace = 'kuadrant-system',
) {
  const custom = kc.makeApiClient(CustomObjectsApi);
  for (const kind of MODEL_KINDS) {
    await custom.deleteCollectionNamespacedCustomObject({
      ...kind,
      namespace,
      labelSelector: MODEL_LABEL,
    });
  }
  await kc.makeApiClient(CoreV1Api).deleteCollectionNamespacedSecret({
    namespace: keysNamespace,
    labelSelector: 'maas.kuadrant.io/model',
  });
  const deadline = Date.now() + 60_000;
  for (const kind of MODEL_KINDS) {
    for (;;) {
      const left = (await custom.listNamespacedCustomObject({
        ...kind,
        namespace,
        labelSelector: MODEL_LABEL,
      })) as { items: Array<{ metadata: { name: string } }> };
      if (left.items.length === 0) break;
      if (Date.now() > deadline) {
        throw new Error(
          `${
            kind.plural
          } of earlier browser tests still in ${namespace} after 60 s: ${left.items
            .map(i => i.metadata.name)
            .join(', ')}`,
        );
      }
      await new Promise(r => setTimeout(r, 500));
    }
  }
}
