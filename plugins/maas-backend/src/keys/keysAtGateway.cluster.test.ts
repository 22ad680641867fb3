/*
 * Keys issued by the portal, called through the harness gateway as a client would: the key Secret in the
 * Kuadrant namespace, each model's AuthPolicy selecting only its own keys (namespace, name and the
 * InferenceService's UID, as the apply action binds it), and the answer on each model's host — the gateway
 * running the real kuadrant-operator's config, the real Authorino over gRPC, the model's simulator — after
 * issue, revoke, expiry, rotation, a model made again, and an upgrade's move.
 */
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  callModel,
  chatBody,
  eventually,
  grantLimitedUser,
  harnessEnv,
  harnessKubeConfig,
  waitForGateway,
  waitForPolicy,
} from '@maas-portal/harness/testing';
import { KUADRANT_KEY_SECRET } from '@maas-portal/plugin-maas-common';
import { modelKeySelector } from '@maas-portal/plugin-maas-node';
import { randomUUID } from 'node:crypto';
import { readMaasConfig } from '../config/MaasConfig';
import { createKeyServices, KeyServices } from './createKeyServices';
import { hashApiKey } from './generateApiKey';
import { KeySecrets, keySecretName } from './KeySecrets';
import { runKeyTasks } from './scheduleKeyTasks';
import { KeyDatabase } from './store/KeyDatabase';
import { publicKey } from './store/KeyStore';

import {
  KEYS_NAMESPACE,
  KeyNamespaceCluster,
} from '../__testUtils__/keyNamespaceCluster';

jest.setTimeout(180_000);

const DAY = 24 * 60 * 60_000;
const OVERLAP_MINUTES = 5;

describe('portal keys through the harness gateway (kuadrant-operator + Authorino + the model)', () => {
  let kc: KeyNamespaceCluster;
  let keys: KeyServices;
  let secrets: KeySecrets;
  let db: KeyDatabase;
  let clock = Date.now();
  const logger = mockServices.logger.mock();
  /** The model's host on the test Gateway, as its HTTPRoute names it. */
  const hostOf = (model: string) => `${model}.${kc.ns}.local`;
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  beforeAll(async () => {
    harnessEnv('MAAS_HARNESS_GATEWAY_URL');
    kc = await KeyNamespaceCluster.start();
    await kc.model('alpha');
    await kc.model('beta');
    for (const name of ['alpha', 'beta']) {
      await waitForPolicy(
        'AuthPolicy',
        { namespace: kc.ns, name: `${name}-auth` },
        { timeoutMs: 90_000, kc: kc.kc },
      );
      await waitForGateway(hostOf(name));
    }
    const knex = await databases.init('SQLITE_3');
    await KeyDatabase.migrate(knex);
    db = new KeyDatabase(knex);
    secrets = new KeySecrets({
      kubeConfig: kc.kc,
      timeoutMs: 10_000,
      namespace: KEYS_NAMESPACE,
      installId: await db.installId(),
    });
    keys = createKeyServices({
      db,
      secrets,
      config: readMaasConfig(
        new ConfigReader({
          maas: { keys: { rotationOverlapMinutes: OVERLAP_MINUTES } },
        }),
      ),
      logger,
      now: () => new Date(clock),
    });
  }, 180_000);

  afterAll(async () => {
    await kc?.stop();
  });

  const tasks = () =>
    runKeyTasks({
      keys,
      secrets,
      logger,
      namespaces: [kc.ns],
      now: () => new Date(clock),
      graceMs: 0,
    });

  /** A key issued through the portal's request flow (a free key is approved automatically). */
  const issue = async (model: string, user = 'user:default/dev') => {
    const { issued } = await keys.requests.createRequest({
      model: {
        entityRef: `component:default/${model}`,
        inferenceService: { namespace: kc.ns, name: model },
      },
      userEntityRef: user,
      tier: 'free',
      reason: 'gateway test',
    });
    return issued!;
  };

  /** The status of a chat completion with a key on a model's host, through the gateway. */
  const statusOn = (model: string, value: string) =>
    callModel({ host: hostOf(model), key: value, body: chatBody(model) }).then(
      r => r.status,
    );
  const settles = (model: string, value: string, expected: number) =>
    eventually(
      async () => expect(await statusOn(model, value)).toBe(expected),
      15_000,
    );

  it("writes the key Secret into the Kuadrant namespace, and Authorino lets it through on its model's host only", async () => {
    const { key, value } = await issue('alpha');
    const secret = await kc.core.readNamespacedSecret({
      namespace: KEYS_NAMESPACE,
      name: keySecretName(key.id),
    });
    expect(secret.metadata!.labels).toMatchObject(
      modelKeySelector({
        namespace: kc.ns,
        name: 'alpha',
        uid: kc.uids.alpha,
      }),
    );
    await settles('alpha', value, 200);
    expect(await statusOn('beta', value)).toBe(401);
    expect(await statusOn('alpha', `${value}x`)).toBe(401);
  });

  it('answers 401 once a key is revoked, within the second the README promises', async () => {
    const took: number[] = [];
    for (let i = 0; i < 5; i++) {
      const { key, value } = await issue('alpha');
      await settles('alpha', value, 200);
      const revokedAt = Date.now();
      await keys.operations.revoke(
        await keys.operations.getKey(key.id),
        'user:default/dev',
      );
      while ((await statusOn('alpha', value)) !== 401) {
        if (Date.now() - revokedAt > 30_000)
          throw new Error('still let through 30 s after revoke');
        await new Promise(r => setTimeout(r, 20));
      }
      took.push(Date.now() - revokedAt);
    }
    process.stderr.write(
      `[keys] revoke -> 401 through the gateway after ${took.join(', ')} ms\n`,
    );
    expect(Math.max(...took)).toBeLessThan(1_000);
  });

  it('answers 401 after the expiry task has expired a key', async () => {
    const { key, value } = await issue('alpha');
    await settles('alpha', value, 200);
    clock += 91 * DAY;
    expect((await tasks()).expired).toContain(key.id);
    await settles('alpha', value, 401);
  });

  it('lets both keys through during a rotation, then only the new one once the overlap ends', async () => {
    const old = await issue('alpha');
    await settles('alpha', old.value, 200);
    const rotated = await keys.operations.rotate(
      await keys.operations.getKey(old.key.id),
      'user:default/dev',
    );
    await settles('alpha', rotated.value, 200);
    expect(await statusOn('alpha', old.value)).toBe(200);
    clock += (OVERLAP_MINUTES - 1) * 60_000;
    expect((await tasks()).rotated).toEqual([]);
    expect(await statusOn('alpha', old.value)).toBe(200);
    clock += 2 * 60_000;
    expect((await tasks()).rotated).toEqual([old.key.id]);
    await settles('alpha', old.value, 401);
    expect(await statusOn('alpha', rotated.value)).toBe(200);
  });

  it('gives users of one name in two catalog namespaces two gateway ids', async () => {
    const a = await issue('beta', 'user:team-a/jane');
    const b = await issue('beta', 'user:team-b/jane');
    const userIdOf = async (id: string) =>
      (
        await kc.core.readNamespacedSecret({
          namespace: KEYS_NAMESPACE,
          name: keySecretName(id),
        })
      ).metadata!.annotations![KUADRANT_KEY_SECRET.userIdAnnotation];
    expect(await userIdOf(a.key.id)).toBe('team-a/jane');
    expect(await userIdOf(b.key.id)).toBe('team-b/jane');
    await settles('beta', a.value, 200);
    await settles('beta', b.value, 200);
  });

  it('moves a key Secret of the old layout (model namespace, old labels) to the Kuadrant namespace, once', async () => {
    const id = randomUUID();
    const value = `maas_${randomUUID().replace(/-/g, '')}`;
    // As the portal wrote keys before: in the model's namespace, selected by the model name only.
    await kc.core.createNamespacedSecret({
      namespace: kc.ns,
      body: {
        metadata: {
          name: keySecretName(id),
          labels: {
            'maas.kuadrant.io/model': 'alpha',
            'kuadrant.io/auth-secret': 'true',
            'authorino.kuadrant.io/managed-by': 'authorino',
            'app.kubernetes.io/managed-by': 'maas-backstage',
            'maas.kuadrant.io/key-request': id,
            'maas.kuadrant.io/key-id': id,
          },
          annotations: {
            'kuadrant.io/groups': 'free',
            'secret.kuadrant.io/user-id': 'old-user',
          },
        },
        stringData: { api_key: value },
      },
    });
    await db.keys.insert({
      id,
      requestId: undefined,
      entityRef: 'component:default/alpha',
      model: `${kc.ns}/alpha`,
      userEntityRef: 'user:default/old-user',
      tier: 'free',
      hash: hashApiKey(value),
      displayPrefix: value.slice(0, 9),
      state: 'active',
      secretNamespace: kc.ns,
      secretName: keySecretName(id),
      createdAt: new Date(clock).toISOString(),
      expiresAt: new Date(clock + DAY).toISOString(),
      revealed: true,
    });
    // Where it was, Authorino never found it.
    expect(await statusOn('alpha', value)).toBe(401);

    const report = await tasks();
    expect(report.failures).toEqual([]);
    expect(report.migrated).toEqual([id]);
    expect(await db.keys.get(id)).toMatchObject({
      state: 'active',
      secretNamespace: KEYS_NAMESPACE,
    });
    await expect(
      kc.core.readNamespacedSecret({
        namespace: kc.ns,
        name: keySecretName(id),
      }),
    ).rejects.toMatchObject({ code: 404 });
    await settles('alpha', value, 200);
    expect((await tasks()).migrated).toEqual([]);
  });

  it('works with Secret rights in the keys namespace only, and the task says nothing of the old place it may not read', async () => {
    const name = `maas-keys-only-${randomUUID().slice(0, 6)}`;
    const revokeSecrets = await grantLimitedUser(
      kc.kc,
      KEYS_NAMESPACE,
      [
        {
          apiGroups: [''],
          resources: ['secrets'],
          verbs: ['get', 'list', 'create', 'patch', 'delete'],
        },
      ],
      name,
    );
    const revokeModels = await grantLimitedUser(
      kc.kc,
      kc.ns,
      [
        {
          apiGroups: ['serving.kserve.io'],
          resources: ['inferenceservices'],
          verbs: ['get'],
        },
      ],
      name,
    );
    try {
      const limitedSecrets = new KeySecrets({
        kubeConfig: harnessKubeConfig('MAAS_HARNESS_LIMITED_KUBECONFIG'),
        timeoutMs: 10_000,
        namespace: KEYS_NAMESPACE,
        installId: secrets.installId,
      });
      const limited = createKeyServices({
        db,
        secrets: limitedSecrets,
        config: readMaasConfig(new ConfigReader({})),
        logger,
        now: () => new Date(clock),
      });
      const { issued } = await limited.requests.createRequest({
        model: {
          entityRef: 'component:default/alpha',
          inferenceService: { namespace: kc.ns, name: 'alpha' },
        },
        userEntityRef: 'user:default/least',
        tier: 'free',
        reason: 'least privilege',
      });
      await settles('alpha', issued!.value, 200);
      const report = await runKeyTasks({
        keys: limited,
        secrets: limitedSecrets,
        logger,
        namespaces: [kc.ns],
        now: () => new Date(clock),
        graceMs: 0,
      });
      expect(report.failures).toEqual([]);
      await limited.operations.revoke(
        await limited.operations.getKey(issued!.key.id),
        'user:default/least',
      );
      await settles('alpha', issued!.value, 401);
    } finally {
      await revokeSecrets();
      await revokeModels();
    }
  });

  it('LOW: marks a live key revoked, with the reason for its owner, when its Secret was deleted by hand', async () => {
    // A user of its own: the other key stays active, and would count against dev's cap later.
    const owner = 'user:default/secret-gone';
    const { key, value } = await issue('alpha', owner);
    const other = await issue('alpha', owner);
    await settles('alpha', value, 200);
    await kc.core.deleteNamespacedSecret({
      namespace: KEYS_NAMESPACE,
      name: keySecretName(key.id),
    });
    // The gateway refuses the key at once; until the task runs, the portal still calls it active.
    await settles('alpha', value, 401);
    expect((await db.keys.get(key.id))!.state).toBe('active');

    const report = await tasks();
    expect(report.failures).toEqual([]);
    expect(report.revokedSecretGone).toEqual([key.id]);
    const marked = await keys.operations.getKey(key.id);
    // What the owner reads on My API keys and in GET /keys (publicKey is the API shape).
    expect(publicKey(marked)).toMatchObject({
      state: 'revoked',
      revokedBy: 'maas:scheduler',
      revokedReason: expect.stringMatching(
        /Secret was deleted outside the portal.*request a new key/,
      ),
    });
    const [revoked] = await db.audit.list({ subjectId: key.id, limit: 1 });
    expect(revoked).toMatchObject({
      action: 'key.revoked',
      actor: 'maas:scheduler',
      details: { reason: marked.revokedReason },
    });
    expect(await statusOn('alpha', value)).toBe(401);
    // The other key of the same user and model keeps its Secret and works; a second run does nothing.
    expect(await statusOn('alpha', other.value)).toBe(200);
    expect((await tasks()).revokedSecretGone).toEqual([]);
    expect((await db.keys.get(other.key.id))!.state).toBe('active');
  });

  it('revokes the keys of a deleted model, and a model made again under the same name refuses the old key', async () => {
    const old = await issue('beta');
    await settles('beta', old.value, 200);

    await kc.deleteModel('beta');
    const gone = await tasks();
    expect(gone.revokedModelGone).toContain(old.key.id);
    expect(await db.keys.get(old.key.id)).toMatchObject({
      state: 'revoked',
      revokedBy: 'maas:scheduler',
      revokedReason: `its model ${kc.ns}/beta is gone`,
    });
    expect(
      (await db.audit.list({ subjectId: old.key.id, limit: 10 })).map(
        e => e.action,
      ),
    ).toContain('key.revoked');

    // Made again before any reconcile: the new UID alone keeps the old key out.
    const second = await issue('alpha');
    const kept = await kc.core.readNamespacedSecret({
      namespace: KEYS_NAMESPACE,
      name: keySecretName(second.key.id),
    });
    await kc.deleteModel('alpha');
    await kc.model('alpha');
    expect(kc.uids.alpha).not.toBe(
      kept.metadata!.labels!['maas.kuadrant.io/model-uid'],
    );
    await settles('alpha', second.value, 401);
    const fresh = await issue('alpha');
    await settles('alpha', fresh.value, 200);
    // Every key of the first alpha goes (this file issued several); the new model's key stays.
    const recreated = (await tasks()).revokedModelGone;
    expect(recreated).toContain(second.key.id);
    expect(recreated).not.toContain(fresh.key.id);
    expect(await statusOn('alpha', fresh.value)).toBe(200);
  });
});
