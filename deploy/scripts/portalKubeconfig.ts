/*
 * Applies deploy/rbac.yaml to the cluster of $KUBECONFIG (an admin's) with server-side apply, and
 * writes a kubeconfig of the portal's ServiceAccount (a TokenRequest token) to the path given:
 * the rights the portal has in the cluster, for running the bundle outside one.
 * Usage: node deploy/scripts/portalKubeconfig.ts <output kubeconfig>
 */
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import fs from 'node:fs';
import path from 'node:path';
import {
  applyManifests,
  readManifests,
  serviceAccountKubeconfig,
} from '../../packages/harness/src/testing/serviceAccountKubeconfig.ts';

const output = process.argv[2];
if (!output) {
  console.error('usage: node deploy/scripts/portalKubeconfig.ts <output>');
  process.exit(2);
}
const admin = new KubeConfig();
admin.loadFromDefault();
const objects = readManifests(
  path.join(import.meta.dirname, '..', 'rbac.yaml'),
);
const core = admin.makeApiClient(CoreV1Api);
const namespaces = new Set(
  objects.map(o => o.metadata?.namespace).filter((n): n is string => !!n),
);
for (const name of namespaces) {
  await core
    .createNamespace({ body: { metadata: { name } } })
    .catch((error: { code?: number }) => {
      if (error.code !== 409) throw error;
    });
}
await applyManifests(admin, objects);
const account = objects.find(o => o.kind === 'ServiceAccount')!;
const portal = await serviceAccountKubeconfig(admin, {
  namespace: account.metadata!.namespace!,
  name: account.metadata!.name!,
});
fs.copyFileSync(portal.file, output);
fs.chmodSync(output, 0o600);
console.log(`${portal.user}: kubeconfig in ${output}`);
