/*
 * Issue #20 (LOW): a key past its expiry is refused at the gateway even when the key task is late. The
 * portal writes the key's expiry on its Secret (`secret.kuadrant.io/expires-at`, as Kuadrant's developer
 * portal does), and the model's AuthPolicy (the rule Create model renders, maas-node unexpiredKeyRule)
 * refuses it per request: called through the harness gateway (the real kuadrant-operator's config, the
 * real Authorino over gRPC, the model's simulator), with no key task run in between.
 */
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import {
  callModel,
  chatBody,
  createTestNamespace,
  deleteTestNamespace,
  eventually,
  harnessEnv,
  harnessKubeConfig,
  namespaceGateway,
  serverSideApply,
  waitForGateway,
  waitForPolicy,
} from '@maas-portal/harness/testing';
import { KUADRANT_KEY_SECRET } from '@maas-portal/plugin-maas-common';
import { modelKeySelector } from '@maas-portal/plugin-maas-node';
import { randomUUID } from 'node:crypto';
import { createBoundModel, httpRoute } from '../__testUtils__/harness';
import { apiKeyModelAuthPolicy } from '../__testUtils__/liveTraffic';
import { TEAM_A } from '../__testUtils__/testUsers';
import { readMaasConfig } from '../config/MaasConfig';
import { createKeyServices, KeyServices } from './createKeyServices';
import { KeySecrets, keySecretName } from './KeySecrets';
import { KeyDatabase } from './store/KeyDatabase';

jest.setTimeout(180_000);

const KEYS_NAMESPACE = 'kuadrant-system';
const MODEL = 'expiring';
const DAY = 24 * 60 * 60_000;
/** How far ahead of now the test's key expires: enough for a few calls before, short for the wait. */
const LIFETIME_MS = 8_000;

describe('a key past its expiry through the harness gateway', () => {
  let kc: KubeConfig;
  let ns: string;
  let core: CoreV1Api;
  let keys: KeyServices;
  let db: KeyDatabase;
  let uid: string;
  /** The portal's clock: moved back so that a key issued now with the default TTL expires soon. */
  let clock = Date.now();
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  const host = () => `${MODEL}.${ns}.local`;
  const status = (key: string) =>
    callModel({ host: host(), key, body: chatBody(MODEL) }).then(r => r.status);

  beforeAll(async () => {
    harnessEnv('MAAS_HARNESS_GATEWAY_URL');
    kc = harnessKubeConfig();
    core = kc.makeApiClient(CoreV1Api);
    ns = await createTestNamespace(kc, 'keyexp');
    const apply = serverSideApply(kc);
    await apply(namespaceGateway(ns));
    uid = (await createBoundModel(kc, ns, MODEL, TEAM_A)).metadata!.uid!;
    await apply(httpRoute(ns, MODEL, { gateway: 'gw', hostnames: [host()] }));
    await apply(apiKeyModelAuthPolicy({ namespace: ns, name: MODEL, uid }));
    await waitForPolicy(
      'AuthPolicy',
      { namespace: ns, name: `${MODEL}-auth` },
      { timeoutMs: 90_000, kc },
    );
    await waitForGateway(host());

    const knex = await databases.init('SQLITE_3');
    await KeyDatabase.migrate(knex);
    db = new KeyDatabase(knex);
    const config = readMaasConfig(new ConfigReader({}));
    keys = createKeyServices({
      db,
      secrets: new KeySecrets({
        kubeConfig: kc,
        timeoutMs: 10_000,
        namespace: KEYS_NAMESPACE,
        installId: await db.installId(),
      }),
      config,
      logger: mockServices.logger.mock(),
      now: () => new Date(clock),
    });
    clock = Date.now() - config.keys.defaultTtlDays * DAY + LIFETIME_MS;
  }, 180_000);

  afterAll(async () => {
    if (ns) await deleteTestNamespace(kc, ns);
  });

  it('LOW: a key past its expiry is refused at the gateway even if the key task is late', async () => {
    const { issued } = await keys.requests.createRequest({
      model: {
        entityRef: `component:default/${MODEL}`,
        inferenceService: { namespace: ns, name: MODEL },
      },
      userEntityRef: 'user:default/jane',
      tier: 'free',
      reason: 'expiry test',
    });
    const { key, value } = issued!;
    const expiresAt = Date.parse(key.expiresAt!);
    expect(expiresAt - Date.now()).toBeGreaterThan(2_000);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(LIFETIME_MS);

    // The Secret carries the key's expiry as Kuadrant's developer portal writes it.
    const secret = await core.readNamespacedSecret({
      namespace: KEYS_NAMESPACE,
      name: keySecretName(key.id),
    });
    expect(
      secret.metadata!.annotations![KUADRANT_KEY_SECRET.expiresAtAnnotation],
    ).toBe(key.expiresAt);

    await eventually(async () => expect(await status(value)).toBe(200), 5_000);
    expect(Date.now()).toBeLessThan(expiresAt);

    await new Promise(r =>
      setTimeout(r, Math.max(0, expiresAt - Date.now()) + 500),
    );
    // No key task has run: the database still holds the key active, its Secret is still there.
    expect((await db.keys.get(key.id))!.state).toBe('active');
    await core.readNamespacedSecret({
      namespace: KEYS_NAMESPACE,
      name: keySecretName(key.id),
    });
    expect(await status(value)).toBe(403);
  });

  it('LOW: the expiry rule leaves a key without expires-at to the key task, and refuses one whose expires-at is no time', async () => {
    const secretOf = (value: string, annotations: Record<string, string>) => ({
      metadata: {
        name: `maas-key-${randomUUID()}`,
        labels: {
          ...modelKeySelector({ namespace: ns, name: MODEL, uid }),
          [KUADRANT_KEY_SECRET.managedByAuthorinoLabel]: 'authorino',
        },
        annotations: {
          [KUADRANT_KEY_SECRET.groupsAnnotation]: 'free',
          [KUADRANT_KEY_SECRET.userIdAnnotation]: 'hand-made',
          ...annotations,
        },
      },
      stringData: { [KUADRANT_KEY_SECRET.dataKey]: value },
    });
    const plain = `maas_${randomUUID().replace(/-/g, '')}`;
    const garbled = `maas_${randomUUID().replace(/-/g, '')}`;
    const future = `maas_${randomUUID().replace(/-/g, '')}`;
    const bodies = [
      secretOf(plain, {}),
      secretOf(garbled, {
        [KUADRANT_KEY_SECRET.expiresAtAnnotation]: 'next tuesday',
      }),
      secretOf(future, {
        [KUADRANT_KEY_SECRET.expiresAtAnnotation]: new Date(
          Date.now() + DAY,
        ).toISOString(),
      }),
    ];
    try {
      for (const body of bodies)
        await core.createNamespacedSecret({ namespace: KEYS_NAMESPACE, body });
      await eventually(
        async () => expect(await status(plain)).toBe(200),
        10_000,
      );
      await eventually(
        async () => expect(await status(future)).toBe(200),
        10_000,
      );
      expect(await status(garbled)).toBe(403);
    } finally {
      // Made by hand, as outside the portal: no key task of this test removes them.
      for (const body of bodies)
        await core
          .deleteNamespacedSecret({
            namespace: KEYS_NAMESPACE,
            name: body.metadata.name,
          })
          .catch(() => undefined);
    }
  });
});
