// Writes an app-config fragment that shows the cluster of the user's kubeconfig in the standard
// Kubernetes tab, signed in as the Kubernetes plugin's own account of deploy/rbac.yaml
// (backstage/maas-kubernetes-reader: lists what a model's tab shows, no Secrets), never with the
// kubeconfig's own credentials: every signed-in user reaches the plugin's reads. The account is
// applied with the kubeconfig (idempotent) and a token of it requested. Prints the file's path, or
// nothing when there is no cluster or the kubeconfig may not do that; says why on stderr.
// Usage: node scripts/lib/kubernetes-app-config.mts <output.json>
import { KubeConfig } from '@kubernetes/client-node';
import { existsSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { kubernetesReaderCredentials } from '../../packages/harness/src/testing/kubernetesReader.ts';

const output = process.argv[2];
const path = (process.env.KUBECONFIG ?? join(homedir(), '.kube', 'config'))
  .split(':')
  .find(p => existsSync(p));
if (!output || !path) process.exit(0);

const kubeconfig = new KubeConfig();
kubeconfig.loadFromFile(path);
const cluster = kubeconfig.getCurrentCluster();
if (!cluster) process.exit(0);
const rbacFile = join(import.meta.dirname, '..', '..', 'deploy', 'rbac.yaml');
let token: string;
try {
  ({ token } = await kubernetesReaderCredentials(
    kubeconfig,
    rbacFile,
    24 * 3600,
  ));
} catch (error) {
  const said = error as { body?: { message?: string }; message?: string };
  console.error(
    `[maas] ${path}: could not set up the Kubernetes tab's own account (ServiceAccount backstage/maas-kubernetes-reader of deploy/rbac.yaml): ${
      said.body?.message ?? said.message
    }. The Kubernetes tab shows no cluster; apply that account and put a token of it under kubernetes.clusterLocatorMethods in app-config.local.yaml.`,
  );
  process.exit(0);
}
console.error(
  `[maas] the Kubernetes tab reads ${cluster.server} as backstage/maas-kubernetes-reader (deploy/rbac.yaml; a token valid for 24 h)`,
);
const fragment = {
  kubernetes: {
    serviceLocatorMethod: { type: 'multiTenant' },
    clusterLocatorMethods: [
      {
        type: 'config',
        clusters: [
          {
            name: cluster.name,
            url: cluster.server,
            authProvider: 'serviceAccount',
            serviceAccountToken: token,
            ...(cluster.caData ? { caData: cluster.caData } : {}),
            ...(cluster.caFile ? { caFile: cluster.caFile } : {}),
            ...(cluster.skipTLSVerify ? { skipTLSVerify: true } : {}),
          },
        ],
      },
    ],
  },
};
writeFileSync(output, JSON.stringify(fragment, null, 2), { mode: 0o600 });
console.log(output);
