import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { kubeConfigOptionsFor } from './kubernetesPluginCluster';
import { loadKubeConfig, noClusterMessage } from './loadKubeConfig';

/** A kubeconfig file with one context, `ctx`, for `url`. */
function kubeconfigFile(url: string): string {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions(
    kubeConfigOptionsFor({
      name: 'ctx',
      url,
      token: 't',
      skipTLSVerify: false,
    }),
  );
  const file = join(mkdtempSync(join(tmpdir(), 'maas-node-')), 'config');
  writeFileSync(file, kubeConfig.exportConfig());
  return file;
}

describe('loadKubeConfig', () => {
  const empty = mkdtempSync(join(tmpdir(), 'maas-node-home-'));

  it('says "no cluster", naming every way to connect, rather than guessing localhost', () => {
    const connection = loadKubeConfig({}, { HOME: empty });
    expect(connection.kubeConfig).toBeUndefined();
    expect(connection).toEqual({
      kubeConfig: undefined,
      noCluster: noClusterMessage(),
    });
    for (const way of [
      'maas.cluster.name',
      'maas.cluster.kubeconfig',
      'service account',
      '$KUBECONFIG',
      '~/.kube/config',
    ]) {
      expect(noClusterMessage()).toContain(way);
    }
  });

  it('takes the cluster of the Kubernetes plugin first', () => {
    const connection = loadKubeConfig(
      {
        kubeconfig: kubeconfigFile('https://file.example:6443'),
        pluginCluster: {
          name: 'prod',
          url: 'https://prod.example:6443',
          token: 't',
          skipTLSVerify: false,
        },
      },
      { HOME: empty },
    );
    expect(connection.kubeConfig?.getCurrentCluster()?.server).toBe(
      'https://prod.example:6443',
    );
    expect(connection).toMatchObject({
      source: `cluster "prod" of the Kubernetes plugin's config`,
    });
  });

  it('reads maas.cluster.kubeconfig, and names the key when the file is missing', () => {
    const path = kubeconfigFile('https://file.example:6443');
    expect(loadKubeConfig({ kubeconfig: path }, {})).toMatchObject({
      source: `kubeconfig ${path}`,
    });
    expect(() =>
      loadKubeConfig({ kubeconfig: join(empty, 'missing') }, {}),
    ).toThrow(/^maas.cluster.kubeconfig: no file at /);
  });

  it('falls back to $KUBECONFIG, naming the file and its context', () => {
    const path = kubeconfigFile('https://env.example:6443');
    expect(
      loadKubeConfig({}, { HOME: empty, KUBECONFIG: `/nonexistent:${path}` }),
    ).toMatchObject({ source: `kubeconfig ${path} (context ctx)` });
  });
});
