// Writes an app-config fragment that shows the cluster of the user's kubeconfig in the standard
// Kubernetes tab, when its current context authenticates with a token (the Kubernetes plugin's
// `config` cluster locator needs one). Prints the file's path, or nothing when there is no such
// cluster; says why on stderr. Usage: node scripts/lib/kubernetes-app-config.mts <output.yaml>
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';

const output = process.argv[2];
const path = (process.env.KUBECONFIG ?? join(homedir(), '.kube', 'config'))
  .split(':')
  .find(p => existsSync(p));
if (!output || !path) process.exit(0);

const YAML = createRequire(join(process.cwd(), 'package.json'))('yaml');
interface Named<T> {
  name: string;
  [key: string]: T | string;
}
const kubeconfig = YAML.parse(readFileSync(path, 'utf8')) as {
  'current-context'?: string;
  contexts?: Array<Named<{ cluster: string; user: string }>>;
  clusters?: Array<
    Named<{
      server: string;
      'certificate-authority-data'?: string;
      'insecure-skip-tls-verify'?: boolean;
    }>
  >;
  users?: Array<Named<{ token?: string }>>;
};
const context = kubeconfig.contexts?.find(
  c => c.name === kubeconfig['current-context'],
)?.context as { cluster: string; user: string } | undefined;
const cluster = kubeconfig.clusters?.find(c => c.name === context?.cluster)
  ?.cluster as
  | {
      server: string;
      'certificate-authority-data'?: string;
      'insecure-skip-tls-verify'?: boolean;
    }
  | undefined;
const token = (
  kubeconfig.users?.find(u => u.name === context?.user)?.user as
    | { token?: string }
    | undefined
)?.token;
if (!cluster || !token) {
  console.error(
    `[maas] ${path}: its current context has no token, so the Kubernetes tab shows no cluster; add one under kubernetes.clusterLocatorMethods in app-config.local.yaml.`,
  );
  process.exit(0);
}
const fragment = {
  kubernetes: {
    serviceLocatorMethod: { type: 'multiTenant' },
    clusterLocatorMethods: [
      {
        type: 'config',
        clusters: [
          {
            name: context!.cluster,
            url: cluster.server,
            authProvider: 'serviceAccount',
            serviceAccountToken: token,
            ...(cluster['certificate-authority-data']
              ? { caData: cluster['certificate-authority-data'] }
              : {}),
            ...(cluster['insecure-skip-tls-verify']
              ? { skipTLSVerify: true }
              : {}),
          },
        ],
      },
    ],
  },
};
writeFileSync(output, JSON.stringify(fragment, null, 2), { mode: 0o600 });
console.log(output);
