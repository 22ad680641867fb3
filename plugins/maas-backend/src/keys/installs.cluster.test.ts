/*
 * Two portal installs (staging and production, or two teams' portals) sharing one keys namespace,
 * each with its own key database: the key task of each, run with no grace, deletes its own orphans
 * and never the other's Secrets, nor one it cannot prove is its own.
 */
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import {
  createTestNamespace,
  deleteTestNamespace,
  harnessEnv,
  harnessKubeConfig,
} from '@maas-portal/harness/testing';
import {
  KUADRANT_KEY_SECRET,
  MAAS_KEY_LABELS,
} from '@maas-portal/plugin-maas-common';
import {
  INFERENCE_SERVICE,
  modelKeySelector,
} from '@maas-portal/plugin-maas-node';
import { randomUUID } from 'node:crypto';
import { createObject, inferenceService } from '../__testUtils__/harness';
import { readMaasConfig } from '../config/MaasConfig';
import { createKeyServices, KeyServices } from './createKeyServices';
import { hashApiKey } from './generateApiKey';
import { KeySecrets, keySecretName } from './KeySecrets';
import { runKeyTasks } from './scheduleKeyTasks';
import { KeyDatabase } from './store/KeyDatabase';

jest.setTimeout(120_000);

interface Install {
  db: KeyDatabase;
  secrets: KeySecrets;
  keys: KeyServices;
}

describe('two installs sharing one keys namespace', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
  const logger = mockServices.logger.mock();
  let kc: KubeConfig;
  let core: CoreV1Api;
  /** Where the model is (and where an older release wrote its key Secrets). */
  let modelNs: string;
  /** The shared keys namespace, as `kuadrant-system` is in production. */
  let keysNs: string;
  let modelUid: string;
  let a: Install;
  let b: Install;

  const install = async (databaseId: 'SQLITE_3' | 'POSTGRES_15') => {
    const knex = await databases.init(databaseId);
    await KeyDatabase.migrate(knex);
    const db = new KeyDatabase(knex);
    const secrets = new KeySecrets({
      kubeConfig: kc,
      timeoutMs: 10_000,
      namespace: keysNs,
      installId: await db.installId(),
    });
    const keys = createKeyServices({
      db,
      secrets,
      config: readMaasConfig(new ConfigReader({})),
      logger,
    });
    return { db, secrets, keys };
  };

  beforeAll(async () => {
    harnessEnv('BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING');
    kc = harnessKubeConfig();
    core = kc.makeApiClient(CoreV1Api);
    modelNs = await createTestNamespace(kc, 'inst-model');
    keysNs = await createTestNamespace(kc, 'inst-keys');
    modelUid = (
      await createObject(
        kc,
        INFERENCE_SERVICE,
        inferenceService(modelNs, 'qwen3'),
      )
    ).metadata!.uid!;
    // One on SQLite, one on PostgreSQL: each database makes its own install id.
    a = await install('SQLITE_3');
    b = await install('POSTGRES_15');
  });

  afterAll(async () => {
    await deleteTestNamespace(kc, modelNs);
    await deleteTestNamespace(kc, keysNs);
  });

  const issue = async (portal: Install, user: string) => {
    const { issued } = await portal.keys.requests.createRequest({
      model: {
        entityRef: 'component:default/qwen3',
        inferenceService: { namespace: modelNs, name: 'qwen3' },
      },
      userEntityRef: user,
      tier: 'free',
      reason: 'two installs',
    });
    return issued!.key;
  };

  /** A key Secret of the install with no key record: what a crash before the database write leaves. */
  const orphan = async (portal: Install) => {
    const keyId = randomUUID();
    await portal.secrets.create({
      keyId,
      requestId: randomUUID(),
      namespace: keysNs,
      model: { namespace: modelNs, name: 'qwen3', uid: modelUid },
      entityRef: 'component:default/qwen3',
      userEntityRef: 'user:default/crashed',
      tier: 'free',
      value: `maas_${randomUUID().replace(/-/g, '')}`,
    });
    return keySecretName(keyId);
  };

  /** A key Secret as a release before the install label wrote it. */
  const unlabelled = async (namespace: string, keyId: string) => {
    const value = `maas_${randomUUID().replace(/-/g, '')}`;
    await core.createNamespacedSecret({
      namespace,
      body: {
        metadata: {
          name: keySecretName(keyId),
          labels: {
            ...modelKeySelector({
              namespace: modelNs,
              name: 'qwen3',
              uid: modelUid,
            }),
            'authorino.kuadrant.io/managed-by': 'authorino',
            'app.kubernetes.io/managed-by': 'maas-backstage',
            'maas.kuadrant.io/key-request': keyId,
            'maas.kuadrant.io/key-id': keyId,
          },
          annotations: { 'kuadrant.io/groups': 'free' },
        },
        stringData: { api_key: value },
      },
    });
    return { name: keySecretName(keyId), value };
  };

  const labelsOf = async (namespace: string, name: string) => {
    try {
      return (await core.readNamespacedSecret({ namespace, name })).metadata!
        .labels!;
    } catch (error) {
      if ((error as { code?: number }).code === 404) return undefined;
      throw error;
    }
  };

  const tasks = (portal: Install) =>
    runKeyTasks({
      keys: portal.keys,
      secrets: portal.secrets,
      logger,
      namespaces: [modelNs],
      graceMs: 0,
    });

  it('each deletes its own orphan, never the other install’s Secrets nor one it cannot prove is its own', async () => {
    expect(a.secrets.installId).not.toBe(b.secrets.installId);
    const keyA = await issue(a, 'user:default/alice');
    const keyB = await issue(b, 'user:default/bob');
    const orphanA = await orphan(a);
    const orphanB = await orphan(b);

    // Each install's key Secret carries its install id, besides what the model's AuthPolicy
    // selects; the install label is no part of that selector.
    const secretA = await labelsOf(keysNs, keySecretName(keyA.id));
    expect(secretA).toMatchObject({
      ...modelKeySelector({ namespace: modelNs, name: 'qwen3', uid: modelUid }),
      [MAAS_KEY_LABELS.install]: a.secrets.installId,
    });
    expect(
      modelKeySelector({ namespace: modelNs, name: 'qwen3', uid: modelUid }),
    ).not.toHaveProperty([MAAS_KEY_LABELS.install]);
    expect(
      (await labelsOf(keysNs, keySecretName(keyB.id)))?.[
        MAAS_KEY_LABELS.install
      ],
    ).toBe(b.secrets.installId);

    // An older release of A wrote a key's Secret without the label; A's database has the key.
    const oldA = randomUUID();
    const old = await unlabelled(keysNs, oldA);
    await a.db.keys.insert({
      id: oldA,
      requestId: undefined,
      entityRef: 'component:default/qwen3',
      model: `${modelNs}/qwen3`,
      modelUid,
      userEntityRef: 'user:default/old-user',
      tier: 'free',
      hash: hashApiKey(old.value),
      displayPrefix: old.value.slice(0, 9),
      state: 'active',
      secretNamespace: keysNs,
      secretName: old.name,
      createdAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 24 * 60 * 60_000).toISOString(),
      revealed: true,
    });
    // Unlabelled Secrets no database here knows: nobody can prove they are theirs.
    const stray = (await unlabelled(keysNs, randomUUID())).name;
    const strayOldPlace = (await unlabelled(modelNs, randomUUID())).name;

    const byA = await tasks(a);
    expect(byA.failures).toEqual([]);
    expect(byA.deletedSecrets).toEqual([`${keysNs}/${orphanA}`]);
    expect(byA.migrated).toEqual([oldA]);
    expect(byA.unclaimed.sort()).toEqual(
      [`${keysNs}/${stray}`, `${modelNs}/${strayOldPlace}`].sort(),
    );
    expect(await labelsOf(keysNs, orphanA)).toBeUndefined();
    expect(await labelsOf(keysNs, orphanB)).toBeDefined();
    expect(await labelsOf(keysNs, keySecretName(keyB.id))).toBeDefined();
    // A's old Secret now carries A's label, still what the AuthPolicy selects, and its expiry.
    const relabelled = await core.readNamespacedSecret({
      namespace: keysNs,
      name: old.name,
    });
    expect(relabelled.metadata!.labels).toMatchObject({
      ...modelKeySelector({ namespace: modelNs, name: 'qwen3', uid: modelUid }),
      [MAAS_KEY_LABELS.install]: a.secrets.installId,
    });
    expect(
      relabelled.metadata!.annotations![
        KUADRANT_KEY_SECRET.expiresAtAnnotation
      ],
    ).toBe((await a.db.keys.get(oldA))!.expiresAt);

    const byB = await tasks(b);
    expect(byB.failures).toEqual([]);
    expect(byB.deletedSecrets).toEqual([`${keysNs}/${orphanB}`]);
    expect(byB.migrated).toEqual([]);
    expect(byB.unclaimed.sort()).toEqual(byA.unclaimed.sort());
    expect(await labelsOf(keysNs, orphanB)).toBeUndefined();
    for (const name of [
      keySecretName(keyA.id),
      keySecretName(keyB.id),
      old.name,
      stray,
    ])
      expect(await labelsOf(keysNs, name)).toBeDefined();
    expect(await labelsOf(modelNs, strayOldPlace)).toBeDefined();

    // Again, both: nothing left to do, every key still in its state.
    for (const portal of [a, b]) {
      const again = await tasks(portal);
      expect(again.deletedSecrets).toEqual([]);
      expect(again.migrated).toEqual([]);
      expect(again.revokedModelGone).toEqual([]);
    }
    expect((await a.db.keys.get(keyA.id))?.state).toBe('active');
    expect((await a.db.keys.get(oldA))?.state).toBe('active');
    expect((await b.db.keys.get(keyB.id))?.state).toBe('active');
  });
});
