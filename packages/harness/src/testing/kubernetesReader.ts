/*
 * The Kubernetes plugin's own account, as deploy/rbac.yaml defines it (ServiceAccount
 * maas-kubernetes-reader, its ClusterRole and binding: lists what a model's Kubernetes tab shows, no
 * Secrets), applied to a cluster and signed in with a TokenRequest token. Tests, the e2e portal and
 * `scripts/start.sh` give the Kubernetes plugin this token, never the admin's: any signed-in user
 * reaches the plugin's reads.
 */
import { CoreV1Api } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import {
  applyManifests,
  readManifests,
  serviceAccountKubeconfig,
} from './serviceAccountKubeconfig.ts';
import type { ServiceAccountCredentials } from './serviceAccountKubeconfig.ts';

export const KUBERNETES_READER = 'maas-kubernetes-reader';

/**
 * The objects of the Kubernetes plugin's account in `rbacFile` (deploy/rbac.yaml, whose path the
 * caller knows: this file runs both as ESM and under Jest), its token Secret left out.
 */
export function kubernetesReaderManifests(rbacFile: string) {
  return readManifests(rbacFile).filter(
    o =>
      o.kind !== 'Secret' &&
      (o.metadata?.name === KUBERNETES_READER ||
        (o as { roleRef?: { name?: string } }).roleRef?.name ===
          KUBERNETES_READER),
  );
}

/**
 * Applies the Kubernetes plugin's account of deploy/rbac.yaml with `admin` (idempotent: server-side
 * apply, its namespace made when missing) and returns credentials of a token of it.
 */
export async function kubernetesReaderCredentials(
  admin: KubeConfig,
  rbacFile: string,
  expirationSeconds = 6 * 3600,
): Promise<ServiceAccountCredentials> {
  const objects = kubernetesReaderManifests(rbacFile);
  const account = objects.find(o => o.kind === 'ServiceAccount')!;
  const namespace = account.metadata!.namespace!;
  await admin
    .makeApiClient(CoreV1Api)
    .createNamespace({ body: { metadata: { name: namespace } } })
    .catch((error: { code?: number }) => {
      if (error.code !== 409) throw error;
    });
  await applyManifests(admin, objects);
  return serviceAccountKubeconfig(admin, {
    namespace,
    name: KUBERNETES_READER,
    expirationSeconds,
  });
}
