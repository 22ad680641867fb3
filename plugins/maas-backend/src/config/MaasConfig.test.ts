import { ConfigReader } from '@backstage/config';
import {
  DEFAULT_KEYS_CONFIG,
  DEFAULT_TIERS,
  readMaasConfig,
} from './MaasConfig';

const tier = (overrides: object = {}) => ({
  name: 'free',
  requests: { limit: 5, window: '2m' },
  tokens: { limit: 100000, window: '1m' },
  approval: 'auto',
  ...overrides,
});

describe('readMaasConfig', () => {
  it('applies the documented defaults to an empty config', () => {
    const config = readMaasConfig(new ConfigReader({}));
    expect(config).toEqual({
      namespace: 'llm',
      catalogNamespaces: ['llm'],
      gateway: { name: 'inference-gateway', namespace: 'llm' },
      domainSuffix: 'maas.local',
      scheme: 'http',
      cluster: {
        kubeconfig: undefined,
        pluginCluster: undefined,
        requestTimeoutMs: 10000,
      },
      prometheus: { url: undefined, timeoutMs: 5000, cacheTtlSeconds: 30 },
      limitador: { url: undefined, timeoutMs: 3000 },
      usage: { tokenMismatchShare: 0.1 },
      pricing: undefined,
      costs: { timeZone: 'UTC' },
      budgets: [],
      tiers: DEFAULT_TIERS,
      keys: DEFAULT_KEYS_CONFIG,
      adminGroups: ['group:default/platform-team'],
      approvals: { allowSelfApproval: false },
    });
    expect(
      config.tiers.map(t => [t.name, t.requests.limit, t.approval]),
    ).toEqual([
      ['free', 5, 'auto'],
      ['premium', 20, 'manual'],
      ['enterprise', 100, 'manual'],
    ]);
  });

  it('reads configured tiers and trims the Prometheus URL', () => {
    const config = readMaasConfig(
      new ConfigReader({
        maas: {
          namespace: 'models',
          prometheus: { url: 'http://prometheus:9090/' },
          tiers: [tier({ name: 'gold', approval: 'manual' })],
        },
      }),
    );
    expect(config.gateway).toEqual({
      name: 'inference-gateway',
      namespace: 'models',
    });
    expect(config.prometheus.url).toBe('http://prometheus:9090');
    expect(config.tiers).toEqual([tier({ name: 'gold', approval: 'manual' })]);
  });

  it.each([
    [
      [tier({ requests: { limit: 5, window: '1d' } })],
      /maas\.tiers\[0\]\.requests\.window: window "1d" is not a Kuadrant window/,
    ],
    [
      [tier({ tokens: { limit: 0, window: '1m' } })],
      /maas\.tiers\[0\]\.tokens\.limit: limit 0 must be a whole number above 0/,
    ],
    [[tier(), tier()], /maas\.tiers\[1\]\.name: tier "free" appears twice/],
    [[tier({ approval: 'sometimes' })], /maas\.tiers\[0\]\.approval/],
    [[tier({ name: 'Free Tier' })], /maas\.tiers\[0\]\.name/],
  ])('stops start-up on bad tiers, naming the key (%#)', (tiers, message) => {
    expect(() => readMaasConfig(new ConfigReader({ maas: { tiers } }))).toThrow(
      message,
    );
  });

  it.each([
    [
      { namespace: 'LLM' },
      /maas\.namespace: "LLM" is not a valid Kubernetes name/,
    ],
    [
      { prometheus: { url: 'prometheus:9090' } },
      /maas\.prometheus\.url: "prometheus:9090" is not an http\(s\) URL/,
    ],
    [
      { gateway: { url: 'inference-gateway-istio.llm' } },
      /maas\.gateway\.url: "inference-gateway-istio\.llm" is not an http\(s\) URL/,
    ],
    [
      { cluster: { requestTimeoutMs: 0 } },
      /maas\.cluster\.requestTimeoutMs: 0 must be above 0/,
    ],
    [{ scheme: 'ftp' }, /maas\.scheme/],
  ])('stops start-up on a bad value, naming the key (%#)', (maas, message) => {
    expect(() => readMaasConfig(new ConfigReader({ maas }))).toThrow(message);
  });

  it('serves the catalog models of maas.namespace and maas.create.namespaces unless maas.catalog.namespaces says otherwise, and names a bad entry', () => {
    const read = (maas: object) =>
      readMaasConfig(new ConfigReader({ maas })).catalogNamespaces;
    expect(
      read({
        namespace: 'models',
        create: {
          namespaces: [{ namespace: 'team-a' }, { namespace: 'models' }],
        },
      }),
    ).toEqual(['models', 'team-a']);
    expect(read({ catalog: { namespaces: ['team-b'] } })).toEqual(['team-b']);
    expect(() => read({ catalog: { namespaces: ['Team B'] } })).toThrow(
      'maas.catalog.namespaces[0]: "Team B" is not a Kubernetes namespace name (lower-case letters, digits and dashes)',
    );
    expect(() => read({ catalog: { namespaces: [] } })).toThrow(
      /^maas\.catalog\.namespaces: empty; list the namespaces/,
    );
  });

  it('reads maas.costs.timeZone, and names the key of a zone that does not exist', () => {
    const zoned = (timeZone: string) =>
      readMaasConfig(new ConfigReader({ maas: { costs: { timeZone } } }));
    expect(zoned('America/Sao_Paulo').costs).toEqual({
      timeZone: 'America/Sao_Paulo',
    });
    expect(() => zoned('Europe/Atlantis')).toThrow(
      'maas.costs.timeZone: "Europe/Atlantis" is not an IANA time zone (e.g. UTC, Europe/Berlin, Asia/Kolkata)',
    );
  });

  it('writes key Secrets to kuadrant-system unless maas.keys.namespace says otherwise', () => {
    expect(readMaasConfig(new ConfigReader({})).keys.namespace).toBe(
      'kuadrant-system',
    );
  });

  it('reads maas.adminGroups and maas.approvals.allowSelfApproval, and names a bad admin group', () => {
    const config = readMaasConfig(
      new ConfigReader({
        maas: {
          adminGroups: ['group:ops/admins'],
          approvals: { allowSelfApproval: true },
        },
      }),
    );
    expect(config.adminGroups).toEqual(['group:ops/admins']);
    expect(config.approvals).toEqual({ allowSelfApproval: true });
    expect(() =>
      readMaasConfig(
        new ConfigReader({ maas: { adminGroups: ['platform-team'] } }),
      ),
    ).toThrow(
      'maas.adminGroups[0]: "platform-team" is not a group entity ref (group:<namespace>/<name>)',
    );
  });

  it('reads maas.keys', () => {
    const keys = {
      maxActivePerUserAndModel: 1,
      defaultTtlDays: 7,
      maxTtlDays: 30,
      rotationOverlapMinutes: 5,
      reasonMaxLength: 50,
      prefix: 'acme_',
      namespace: 'kuadrant',
    };
    const config = readMaasConfig(new ConfigReader({ maas: { keys } }));
    expect(config.keys).toEqual(keys);
  });

  it.each([
    [
      { maxActivePerUserAndModel: 0 },
      /maas\.keys\.maxActivePerUserAndModel: 0 must be above 0/,
    ],
    [
      { defaultTtlDays: 1.5 },
      /maas\.keys\.defaultTtlDays: 1\.5 must be a whole number/,
    ],
    [
      { defaultTtlDays: 400 },
      /maas\.keys\.defaultTtlDays: 400 is above maas\.keys\.maxTtlDays \(365\)/,
    ],
    [
      { prefix: 'has space' },
      /maas\.keys\.prefix: "has space" must be 1 to 16 letters/,
    ],
    [
      { namespace: 'Kuadrant_System' },
      /maas\.keys\.namespace: "Kuadrant_System" is not a namespace name/,
    ],
  ])(
    'stops start-up on a bad maas.keys value, naming the key (%#)',
    (keys, message) => {
      expect(() =>
        readMaasConfig(new ConfigReader({ maas: { keys } })),
      ).toThrow(message);
    },
  );
});
