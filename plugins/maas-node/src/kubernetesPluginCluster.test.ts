import { ConfigReader } from '@backstage/config';
import { readKubernetesPluginCluster } from './kubernetesPluginCluster';

const kubernetes = {
  clusterLocatorMethods: [
    { type: 'catalog' },
    {
      type: 'config',
      clusters: [
        {
          name: 'prod',
          url: 'https://k8s.example.com',
          authProvider: 'serviceAccount',
          serviceAccountToken: 't0k3n',
          caData: 'Q0E=',
        },
        {
          name: 'oidc-only',
          url: 'https://other.example.com',
          authProvider: 'oidc',
        },
      ],
    },
  ],
};

describe('readKubernetesPluginCluster', () => {
  it("takes the named cluster of the Kubernetes plugin's config", () => {
    expect(
      readKubernetesPluginCluster(
        new ConfigReader({ kubernetes, maas: { cluster: { name: 'prod' } } }),
      ),
    ).toEqual({
      name: 'prod',
      url: 'https://k8s.example.com',
      token: 't0k3n',
      caData: 'Q0E=',
      skipTLSVerify: false,
    });
  });

  it('is undefined without maas.cluster.name', () => {
    expect(
      readKubernetesPluginCluster(new ConfigReader({ kubernetes })),
    ).toBeUndefined();
  });

  it.each([
    [
      'staging',
      /no cluster "staging" under kubernetes\.clusterLocatorMethods .*: prod, oidc-only/,
    ],
    ['oidc-only', /cluster "oidc-only" has no serviceAccountToken/],
  ])('names the key when %p cannot be used', (name, message) => {
    expect(() =>
      readKubernetesPluginCluster(
        new ConfigReader({ kubernetes, maas: { cluster: { name } } }),
      ),
    ).toThrow(message);
  });
});
