import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';

/**
 * Gives a TokenRateLimitPolicy of the namespace `llm` the status kuadrant-operator 1.3 writes on one
 * it enforces (Accepted and Enforced, of its generation), as Kuadrant 1.3 would report it: the
 * harness runs kuadrant-operator v1.2.0, which never reconciles TokenRateLimitPolicy, while the
 * backfilled data the tests read with it is 1.3-shaped. The portal then counts the policy's limits
 * (ModelService.routeLimits) and no longer calls them not enforced. Nothing in the harness enforces
 * them: live calls are still counted by the RateLimitPolicy alone.
 */
export async function reportEnforcedAsKuadrant13(
  kc: KubeConfig,
  name: string,
): Promise<void> {
  const objects = kc.makeApiClient(CustomObjectsApi);
  const target = {
    group: 'kuadrant.io',
    version: 'v1alpha1',
    plural: 'tokenratelimitpolicies',
    namespace: 'llm',
    name,
  };
  const policy = (await objects.getNamespacedCustomObject(target)) as {
    metadata: { generation: number };
  };
  const observedGeneration = policy.metadata.generation;
  const condition = (type: string, message: string) => ({
    type,
    status: 'True',
    reason: type,
    message,
    lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    observedGeneration,
  });
  // The object as read: a write in between (none is expected: v1.2.0 never writes it) fails with
  // 409 rather than being overwritten.
  await objects.replaceNamespacedCustomObjectStatus({
    ...target,
    body: {
      ...policy,
      status: {
        observedGeneration,
        conditions: [
          condition('Accepted', 'TokenRateLimitPolicy has been accepted'),
          condition(
            'Enforced',
            'TokenRateLimitPolicy has been successfully enforced',
          ),
        ],
      },
    },
  });
}
