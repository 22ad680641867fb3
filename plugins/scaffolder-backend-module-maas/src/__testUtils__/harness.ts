import {
  CoreV1Api,
  KubeConfig,
  KubernetesObject,
  RbacAuthorizationV1Api,
  V1PolicyRule,
} from '@kubernetes/client-node';
import { apiVersionOf, MODEL_KINDS } from '@maas-portal/plugin-maas-node';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ModelObjectApi } from '../cluster/ModelObjectApi';

const HOW_TO_RUN =
  'run the cluster tests inside the test harness, from /work/main: ' +
  'node packages/harness/src/cli.ts run -- bash -c "cd plugins/scaffolder-backend-module-maas && CI=1 yarn backstage-cli package test cluster"';

/** A harness variable; a cluster test fails (never skips) without it. */
export function harnessEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: ${HOW_TO_RUN}`);
  }
  return value;
}

export function harnessKubeConfig(
  variable = 'MAAS_HARNESS_KUBECONFIG',
): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(harnessEnv(variable));
  return kc;
}

/** A namespace of the test's own, so that test files do not see each other's objects. */
export async function createTestNamespace(
  kc: KubeConfig,
  prefix: string,
): Promise<string> {
  const name = `${prefix}-${crypto.randomBytes(3).toString('hex')}`;
  await kc
    .makeApiClient(CoreV1Api)
    .createNamespace({ body: { metadata: { name } } });
  return name;
}

export async function deleteTestNamespace(
  kc: KubeConfig,
  name: string,
): Promise<void> {
  await kc
    .makeApiClient(CoreV1Api)
    .deleteNamespace({ name })
    .catch(() => undefined);
}

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

/** Grants the harness's limited user exactly `rules` in `namespace`. */
export async function grantLimitedUser(
  kc: KubeConfig,
  namespace: string,
  rules: V1PolicyRule[],
): Promise<() => Promise<void>> {
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  const name = 'maas-limited-test';
  await rbac.createNamespacedRole({
    namespace,
    body: { metadata: { name }, rules },
  });
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [
        {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'User',
          name: harnessEnv('MAAS_HARNESS_LIMITED_USER'),
        },
      ],
    },
  });
  return async () => {
    await rbac.deleteNamespacedRoleBinding({ namespace, name });
    await rbac.deleteNamespacedRole({ namespace, name });
  };
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
 * (the CRDs): a lock directory in the harness's folder, shared by all Jest workers.
 */
export async function withClusterLock<T>(fn: () => Promise<T>): Promise<T> {
  const lock = path.join(
    harnessEnv('MAAS_HARNESS_DIR'),
    'scaffolder-module-maas.lock',
  );
  await waitFor(
    'the cluster lock',
    async () => {
      try {
        fs.mkdirSync(lock);
        return true;
      } catch {
        return undefined;
      }
    },
    120000,
  );
  try {
    return await fn();
  } finally {
    fs.rmdirSync(lock);
  }
}
