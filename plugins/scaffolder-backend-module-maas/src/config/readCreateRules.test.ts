import { ConfigReader } from '@backstage/config';
import { readCreateRules } from './readCreateRules';

const images = { vllm: 'vllm/vllm-openai:v1', simulator: 'sim:v1' };
const read = (maas: object) =>
  readCreateRules(new ConfigReader({ maas }), images);

describe('readCreateRules', () => {
  it('defaults to the models namespace for everyone, the serving images, and the caps', () => {
    expect(read({ namespace: 'models' })).toEqual({
      namespaces: [{ namespace: 'models' }],
      images: { vllm: ['vllm/vllm-openai:v1'], simulator: ['sim:v1'] },
      storageSchemes: ['hf', 's3', 'gs', 'oci'],
      maxGpus: 4,
      maxCpu: '16',
      maxMemory: '64Gi',
      gateways: [{ name: 'inference-gateway', namespace: 'models' }],
      domainSuffix: 'maas.local',
      impersonateUsers: false,
      impersonation: { user: '{ref}', group: '{ref}' },
    });
  });

  it('reads what is configured', () => {
    expect(
      read({
        create: {
          namespaces: [
            { namespace: 'llm' },
            {
              namespace: 'team-a',
              groups: ['group:default/team-a'],
              maxGpus: 2,
              maxCpu: '6',
            },
          ],
          images: { vllm: ['registry.internal/vllm:*'] },
          storageSchemes: ['hf', 'pvc'],
          maxGpus: 0,
          maxCpu: 8,
          maxMemory: '32Gi',
          gateways: [{ name: 'gw', namespace: 'edge' }],
        },
        cluster: {
          impersonateUsers: true,
          impersonation: { user: 'oidc:{name}', group: 'oidc:{name}' },
        },
      }),
    ).toMatchObject({
      namespaces: [
        { namespace: 'llm' },
        {
          namespace: 'team-a',
          groups: ['group:default/team-a'],
          maxGpus: 2,
          maxCpu: '6',
        },
      ],
      images: { vllm: ['registry.internal/vllm:*'], simulator: ['sim:v1'] },
      storageSchemes: ['hf', 'pvc'],
      maxGpus: 0,
      maxCpu: '8',
      maxMemory: '32Gi',
      gateways: [{ name: 'gw', namespace: 'edge' }],
      impersonateUsers: true,
      impersonation: { user: 'oidc:{name}', group: 'oidc:{name}' },
    });
  });

  it.each([
    [{ namespaces: [] }, 'maas.create.namespaces: empty'],
    [
      { namespaces: [{ namespace: 'Team_A' }] },
      'maas.create.namespaces[0].namespace: "Team_A" is not a Kubernetes name',
    ],
    [
      { storageSchemes: ['hf://'] },
      'maas.create.storageSchemes[0]: "hf://" is not a URI scheme',
    ],
    [{ maxGpus: 1.5 }, 'maas.create.maxGpus: 1.5 must be a whole number'],
    [
      { gateways: [{ name: 'gw', namespace: 'Edge' }] },
      'maas.create.gateways[0].namespace: "Edge" is not a Kubernetes name',
    ],
    [
      { namespaces: [{ namespace: 'llm', maxGpus: -1 }] },
      'maas.create.namespaces[0].maxGpus: -1 must be a whole number',
    ],
    [
      { namespaces: [{ namespace: 'llm', maxCpu: 'lots' }] },
      'maas.create.namespaces[0].maxCpu: "lots" is not a Kubernetes quantity',
    ],
    [
      { maxCpu: 'lots' },
      'maas.create.maxCpu: "lots" is not a Kubernetes quantity',
    ],
    [
      { maxMemory: '-1Gi' },
      'maas.create.maxMemory: "-1Gi" is not a Kubernetes quantity',
    ],
  ])('refuses %j naming the key', (create, message) => {
    expect(() => read({ create })).toThrow(message);
  });

  it('refuses an impersonation name format that names nobody', () => {
    expect(() =>
      read({ cluster: { impersonation: { group: 'team' } } }),
    ).toThrow('maas.cluster.impersonation.group: "team" names nobody');
  });
});
