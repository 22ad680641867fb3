/* Helpers of this package's cluster tests; the generic ones (env, kubeconfig, namespaces, grants) are in @maas-portal/harness/testing. */
import { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { acquireHarnessLock } from '@maas-portal/harness/testing';
import { apiVersionOf, MODEL_KINDS } from '@maas-portal/plugin-maas-node';
import { ModelObjectApi } from '../cluster/ModelObjectApi';

// A namespace of its own per test file: the harness package's, for every package's tests.
export { useTestNamespace } from '@maas-portal/harness/testing';

/** Every object of a model kind in `namespace`, each with its `Kind/name`. */
export async function modelObjectsIn(
  kc: KubeConfig,
  namespace: string,
): Promise<Array<{ id: string; object: KubernetesObject }>> {
  const api = ModelObjectApi.forConfig(kc);
  const found: Array<{ id: string; object: KubernetesObject }> = [];
  for (const kind of MODEL_KINDS) {
    const list = await api.list(apiVersionOf(kind), kind.kind, namespace);
    for (const object of list.items) {
      found.push({ id: `${kind.kind}/${object.metadata!.name}`, object });
    }
  }
  return found;
}

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs = 30000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined && value !== null && (value as unknown) !== false)
      return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 200));
  }
}

/**
 * Runs `fn` while no other test of this package changes or relies on cluster-wide state
 * (the CRDs): the harness lock, shared by all Jest workers.
 */
export async function withClusterLock<T>(fn: () => Promise<T>): Promise<T> {
  const release = await acquireHarnessLock('scaffolder-module-maas');
  try {
    return await fn();
  } finally {
    release();
  }
}

/** RBAC rules to get, create and patch a model's objects; `kuadrant` names the kuadrant.io resources among them. */
export const modelObjectRules = (kuadrant: string[]) => [
  {
    apiGroups: ['serving.kserve.io'],
    resources: ['servingruntimes', 'inferenceservices'],
    verbs: ['get', 'create', 'patch'],
  },
  {
    apiGroups: ['gateway.networking.k8s.io'],
    resources: ['httproutes'],
    verbs: ['get', 'create', 'patch'],
  },
  {
    apiGroups: ['kuadrant.io'],
    resources: kuadrant,
    verbs: ['get', 'create', 'patch'],
  },
];
