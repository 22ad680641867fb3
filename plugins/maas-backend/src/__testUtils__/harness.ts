import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObject,
} from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { ResourceKind } from '@maas-portal/plugin-maas-node';

const HOW =
  'Cluster tests run against the harness: ./scripts/test.sh, or wrap a test command in ' +
  '`node packages/harness/src/cli.ts run -- <command>` (see packages/harness/README.md).';

/** A variable the harness exports; a missing one fails the test and says how to start the harness. */
export function harnessEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set. ${HOW}`);
  return value;
}

export function adminKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(harnessEnv('MAAS_HARNESS_KUBECONFIG'));
  return kc;
}

/** A fresh namespace per test file, so files can run in parallel on one API server. */
export async function createTestNamespace(
  kc: KubeConfig,
  prefix: string,
): Promise<string> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await kc
    .makeApiClient(CoreV1Api)
    .createNamespace({ body: { metadata: { name } } });
  return name;
}

export async function deleteNamespace(
  kc: KubeConfig,
  name: string,
): Promise<void> {
  await kc
    .makeApiClient(CoreV1Api)
    .deleteNamespace({ name })
    .catch(() => undefined);
}

export async function createObject<T extends KubernetesObject>(
  kc: KubeConfig,
  kind: ResourceKind,
  body: T,
): Promise<T> {
  return (await kc
    .makeApiClient(CustomObjectsApi)
    .createNamespacedCustomObject({
      group: kind.group,
      version: kind.version,
      plural: kind.plural,
      namespace: body.metadata!.namespace!,
      body,
    })) as T;
}

/** Writes `status` through the status subresource, as the real controllers do. */
export async function writeStatus(
  kc: KubeConfig,
  kind: ResourceKind,
  namespace: string,
  name: string,
  status: unknown,
): Promise<void> {
  const api = kc.makeApiClient(CustomObjectsApi);
  const target = {
    group: kind.group,
    version: kind.version,
    plural: kind.plural,
    namespace,
    name,
  };
  const current = (await api.getNamespacedCustomObject(
    target,
  )) as KubernetesObject;
  await api.replaceNamespacedCustomObjectStatus({
    ...target,
    body: { ...current, status },
  });
}

/** Polls `check` until it stops throwing, or rethrows its last error after `timeoutMs`. */
export async function eventually<T>(
  check: () => T | Promise<T>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise(r => setTimeout(r, 100));
    }
  }
}

export const condition = (
  type: string,
  status = 'True',
  reason = type,
  message = `${type} is ${status}`,
) => ({
  type,
  status,
  reason,
  message,
  lastTransitionTime: '2026-11-01T00:00:00Z',
});
