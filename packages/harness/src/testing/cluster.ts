/* The harness's API server in tests: its kubeconfigs, a namespace per test file, grants to the limited user. */
import {
  AuthorizationV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import type { V1PolicyRule } from '@kubernetes/client-node';
import crypto from 'node:crypto';
import { eventually } from './eventually.ts';
import { harnessEnv } from './harnessEnv.ts';

/** The admin's kubeconfig, or the limited user's with 'MAAS_HARNESS_LIMITED_KUBECONFIG'. */
export function harnessKubeConfig(
  variable:
    | 'MAAS_HARNESS_KUBECONFIG'
    | 'MAAS_HARNESS_LIMITED_KUBECONFIG' = 'MAAS_HARNESS_KUBECONFIG',
): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(harnessEnv(variable));
  return kc;
}

/** A fresh namespace per test file, so files can run in parallel on one API server. */
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

/**
 * Waits until the API server authorizes `user` to `verb` `group`/`resource` (in `namespace`, or
 * cluster-wide), as a SubjectAccessReview answers; with `allowed: false`, until it refuses. Its RBAC
 * authorizer reads Roles and bindings from informers: a grant, a change or a revocation takes effect a
 * moment after the write, under a full run after a test's first call.
 */
export async function untilAuthorized(
  kc: KubeConfig,
  access: {
    user: string;
    verb: string;
    group: string;
    resource: string;
    namespace?: string;
  },
  options: { allowed?: boolean } = {},
): Promise<void> {
  const { user, ...resourceAttributes } = access;
  const allowed = options.allowed ?? true;
  const reviews = kc.makeApiClient(AuthorizationV1Api);
  await eventually(async () => {
    const review = await reviews.createSubjectAccessReview({
      body: { spec: { user, resourceAttributes } },
    });
    if (!!review.status?.allowed !== allowed)
      throw new Error(
        `the API server still ${allowed ? 'refuses' : 'lets'} ${user} ${
          access.verb
        } ${access.group || 'core'}/${access.resource}${
          access.namespace ? ` in ${access.namespace}` : ''
        }`,
      );
  }, 30_000);
}

/**
 * Grants the harness's limited user exactly `rules` in `namespace` (and a marker rule that grants
 * nothing real), once the API server authorizes by this very Role: a SubjectAccessReview allows the
 * marker. Without the wait, a test's first call could meet no grant yet, or a Role of the same name that
 * an earlier test revoked. Returns the revocation.
 */
export async function grantLimitedUser(
  kc: KubeConfig,
  namespace: string,
  rules: V1PolicyRule[],
  name = 'maas-limited-test',
): Promise<() => Promise<void>> {
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  const marker = `grant-${crypto.randomBytes(4).toString('hex')}`;
  await rbac.createNamespacedRole({
    namespace,
    body: {
      metadata: { name },
      rules: [
        ...rules,
        { apiGroups: ['maas.test'], resources: [marker], verbs: ['get'] },
      ],
    },
  });
  const user = harnessEnv('MAAS_HARNESS_LIMITED_USER');
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [
        { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user },
      ],
    },
  });
  await untilAuthorized(kc, {
    user,
    verb: 'get',
    group: 'maas.test',
    resource: marker,
    namespace,
  });
  return async () => {
    await rbac.deleteNamespacedRoleBinding({ namespace, name });
    await rbac.deleteNamespacedRole({ namespace, name });
  };
}

/**
 * The Kubernetes plugin's `kubernetes.clusterLocatorMethods` for the API server of `kc`, under
 * `name`, signed in with its token (the portal's `maas.cluster.name` can point at it).
 */
export function kubernetesClusterLocators(kc: KubeConfig, name = 'harness') {
  const cluster = kc.getCurrentCluster()!;
  return [
    {
      type: 'config',
      clusters: [
        {
          name,
          url: cluster.server,
          authProvider: 'serviceAccount',
          serviceAccountToken: kc.getCurrentUser()!.token,
          caData: cluster.caData,
        },
      ],
    },
  ];
}

/**
 * Applies objects server-side as `fieldManager` (forced, as `kubectl apply --server-side
 * --force-conflicts`): a test makes or changes them in one call. The applied object.
 */
export function serverSideApply(
  kc: KubeConfig,
  fieldManager = 'maas-backstage',
) {
  const objects = KubernetesObjectApi.makeApiClient(kc);
  return (object: object): Promise<KubernetesObject> =>
    objects.patch(
      object as KubernetesObject,
      undefined,
      undefined,
      fieldManager,
      true,
      'application/apply-patch+yaml' as any,
    );
}
