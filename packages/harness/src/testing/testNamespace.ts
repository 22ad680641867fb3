/* A namespace of its own for a Jest test file on the harness's API server. */
import type { KubeConfig } from '@kubernetes/client-node';
import {
  createTestNamespace,
  deleteTestNamespace,
  harnessKubeConfig,
} from './cluster.ts';

/**
 * Hands the test file the harness's admin kubeconfig and a namespace of its own, so that test
 * files do not see each other's objects: made before the file's tests, deleted after them. Read
 * `admin` and `namespace` inside hooks and tests (they are set in `beforeAll`).
 */
export function useTestNamespace(prefix: string): {
  readonly admin: KubeConfig;
  readonly namespace: string;
} {
  let admin: KubeConfig | undefined;
  let namespace: string | undefined;
  beforeAll(async () => {
    admin = harnessKubeConfig();
    namespace = await createTestNamespace(admin, prefix);
  });
  afterAll(async () => {
    if (admin && namespace) await deleteTestNamespace(admin, namespace);
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) {
      throw new Error(
        `the test namespace ${prefix}-* is not made yet: read it in a hook or test`,
      );
    }
    return value;
  };
  return {
    get admin() {
      return ready(admin);
    },
    get namespace() {
      return ready(namespace);
    },
  };
}
