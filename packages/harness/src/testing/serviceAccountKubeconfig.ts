/*
 * A ServiceAccount's own credentials on the harness's API server: manifests applied as a platform team
 * applies them (server-side apply), a token from the TokenRequest API, and a kubeconfig built from it, so
 * that a test runs the portal with exactly the rights those manifests grant instead of the admin's.
 */
import {
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import type { KubernetesObject } from '@kubernetes/client-node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';

const FIELD_MANAGER = 'maas-harness-tests';

/** The objects of a multi-document YAML file, empty documents left out. */
export function readManifests(file: string): KubernetesObject[] {
  return YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'))
    .map(doc => doc.toJS() as KubernetesObject | null)
    .filter((o): o is KubernetesObject => !!o?.kind);
}

/** Server-side applies `objects` in order with `kc` (as `kubectl apply --server-side --force-conflicts`). */
export async function applyManifests(
  kc: KubeConfig,
  objects: KubernetesObject[],
): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(kc);
  for (const object of objects) {
    await api.patch(
      object,
      undefined,
      undefined,
      FIELD_MANAGER,
      true,
      PatchStrategy.ServerSideApply,
    );
  }
}

/** Deletes `objects` with `kc`; those already gone count as deleted. */
export async function deleteManifests(
  kc: KubeConfig,
  objects: KubernetesObject[],
): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(kc);
  for (const object of objects) {
    await api.delete(object).catch((error: { code?: number }) => {
      if (error?.code !== 404) throw error;
    });
  }
}

export interface ServiceAccountCredentials {
  /** Signs in as `system:serviceaccount:<namespace>:<name>`, on the same API server as `admin`. */
  kubeConfig: KubeConfig;
  /** The same as a kubeconfig file (mode 0600), for `maas.cluster.kubeconfig` or `KUBECONFIG`. */
  file: string;
  /** The bearer token, e.g. for the Kubernetes plugin's `serviceAccountToken`. */
  token: string;
  /** The Kubernetes user name RBAC sees. */
  user: string;
}

/**
 * A token of the ServiceAccount `namespace/name` from the TokenRequest API (as a pod's projected
 * token is made), and a kubeconfig that uses it against `admin`'s API server. The ServiceAccount
 * must exist (apply it first). Nothing is granted here: the account has what its bindings give.
 */
export async function serviceAccountKubeconfig(
  admin: KubeConfig,
  account: { namespace: string; name: string; expirationSeconds?: number },
): Promise<ServiceAccountCredentials> {
  const { namespace, name } = account;
  const request = await admin
    .makeApiClient(CoreV1Api)
    .createNamespacedServiceAccountToken({
      namespace,
      name,
      body: {
        spec: {
          audiences: [],
          expirationSeconds: account.expirationSeconds ?? 3600,
        },
      },
    });
  const token = request.status?.token;
  if (!token)
    throw new Error(`TokenRequest for ${namespace}/${name} gave no token`);
  const cluster = admin.getCurrentCluster();
  if (!cluster) throw new Error('the admin kubeconfig names no cluster');
  const user = `system:serviceaccount:${namespace}:${name}`;
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [
      {
        name: cluster.name,
        server: cluster.server,
        caData: cluster.caData,
        caFile: cluster.caFile,
        skipTLSVerify: cluster.skipTLSVerify,
      },
    ],
    users: [{ name, token }],
    contexts: [{ name, cluster: cluster.name, user: name, namespace }],
    currentContext: name,
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maas-sa-'));
  const file = path.join(dir, 'kubeconfig');
  fs.writeFileSync(file, kubeConfig.exportConfig(), { mode: 0o600 });
  return { kubeConfig, file, token, user };
}
