/*
 * The key flow's test bed: a test namespace holding a model and its key Secrets, a key database on
 * SQLite and PostgreSQL, and the key services as the routes drive them, for the key flow's cluster
 * tests (keyRequests.cluster.test.ts, keyOperations.cluster.test.ts).
 */
import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { NotAllowedError } from '@backstage/errors';
import { CoreV1Api, KubeConfig, V1Secret } from '@kubernetes/client-node';
import { randomUUID } from 'node:crypto';
import {
  createTestNamespace,
  deleteTestNamespace,
  harnessEnv,
  harnessKubeConfig,
} from '@maas-portal/harness/testing';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { INFERENCE_SERVICE } from '@maas-portal/plugin-maas-node';
import { readMaasConfig } from '../config/MaasConfig';
import { KeySecrets } from '../keys/KeySecrets';
import { EntityBindings } from '../entities/EntityBindings';
import { KeyAccess } from '../permissions/keyAccess';
import { PermissionGate } from '../permissions/PermissionGate';
import { createKeyServices, KeyServices } from '../keys/createKeyServices';
import { KeyModel } from '../keys/KeyRequestService';
import { reconcileKeys } from '../keys/reconcileKeys';
import { KeyDatabase } from '../keys/store/KeyDatabase';
import { ClusterState } from '../cluster/ClusterState';
import { MaasNotifier } from '../notifications/MaasNotifier';
import { createBoundModel } from './harness';

export const BOB = 'user:default/bob';
export const BOSS = 'user:default/boss';
export const MINUTE = 60_000;
export const DAY = 24 * 60 * MINUTE;

export async function expectError(
  promise: Promise<unknown>,
  type: new (...args: any[]) => Error,
  message: RegExp | string,
) {
  let thrown: unknown;
  try {
    await promise;
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(type);
  if (typeof message === 'string')
    expect((thrown as Error).message).toBe(message);
  else expect((thrown as Error).message).toMatch(message);
}

/** Only the key's owner may `verb` it: `call`, made by someone else, is refused naming the owner. */
export async function expectOwnerOnly(
  call: Promise<unknown>,
  owner: string,
  verb: string,
  keyId: string,
) {
  await expectError(
    call,
    NotAllowedError,
    `Only ${owner}, its owner, can ${verb} key ${keyId}`,
  );
}

/**
 * The databases the key flow runs on: each test file runs its tests once on each (call it in the
 * file's top describe, then `describe.each(databases.eachSupportedId())`).
 */
export function keyFlowDatabases() {
  beforeAll(() => {
    harnessEnv('MAAS_HARNESS_KUBECONFIG');
    harnessEnv('BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING');
  });
  return TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
}

/**
 * The key flow on `databaseId`: made before the describe's tests, its namespace deleted after them.
 * Read its fields inside hooks and tests (they are set in `beforeAll`); `clock` is the services'
 * time, which a test moves on.
 */
export function useKeyFlowBed(
  databases: TestDatabases,
  databaseId: Parameters<TestDatabases['init']>[0],
) {
  let kc: KubeConfig;
  let core: CoreV1Api;
  let ns: string;
  let db: KeyDatabase;
  let keys: KeyServices;
  let secrets: KeySecrets;
  let clock: number;
  let state: ClusterState;
  let bindings: EntityBindings;
  const logger = mockServices.logger.mock();
  const notifications = { send: jest.fn(async () => undefined) };
  const auditor = mockServices.auditor.mock({
    createEvent: jest.fn(async () => ({
      success: jest.fn(async () => undefined),
      fail: jest.fn(async () => undefined),
    })),
  });
  /** Every key value the test file's tests saw: none may reach the logger. */
  const values: string[] = [];
  let model: KeyModel;
  let modelUid: string;

  const readSecret = (name: string) =>
    core.readNamespacedSecret({ namespace: ns, name });
  const secretExists = async (name: string) => {
    try {
      await readSecret(name);
      return true;
    } catch (error) {
      if ((error as { code?: number }).code === 404) return false;
      throw error;
    }
  };
  const listManagedSecrets = async () =>
    (
      await core.listNamespacedSecret({
        namespace: ns,
        labelSelector: 'app.kubernetes.io/managed-by=maas-backstage',
      })
    ).items;
  const apiKeyOf = (secret: V1Secret) =>
    Buffer.from(secret.data!.api_key, 'base64').toString('utf8');

  beforeAll(async () => {
    kc = harnessKubeConfig();
    core = kc.makeApiClient(CoreV1Api);
    ns = await createTestNamespace(kc, 'keys');
    model = {
      entityRef: 'component:default/qwen3',
      inferenceService: { namespace: ns, name: 'qwen3' },
    };
    const knex = await databases.init(databaseId);
    await KeyDatabase.migrate(knex);
    db = new KeyDatabase(knex);
    // The test namespace holds the model and, as maas.keys.namespace, its key Secrets.
    // Bound to its entity, as Create model leaves it: the routes ask for keys to bound models only.
    modelUid = (await createBoundModel(kc, ns, 'qwen3', BOSS)).metadata!.uid!;
    // Which entity each model is, as the portal reads it: from a watch of the InferenceServices.
    state = new ClusterState({
      kubeConfig: kc,
      logger,
      timeoutMs: 10_000,
      kinds: [INFERENCE_SERVICE],
    });
    state.start();
    const [read] = await state.ready(15_000);
    if (read.state !== 'synced')
      throw new Error(`InferenceServices not read: ${read.failure?.message}`);
    bindings = new EntityBindings({
      state,
      userInfo: mockServices.userInfo(),
      adminGroups: [],
    });
    secrets = new KeySecrets({
      kubeConfig: kc,
      timeoutMs: 10_000,
      namespace: ns,
      installId: await db.installId(),
    });
    clock = Date.now();
    keys = createKeyServices({
      db,
      secrets,
      config: readMaasConfig(
        new ConfigReader({
          maas: {
            keys: { maxActivePerUserAndModel: 2, rotationOverlapMinutes: 5 },
          },
        }),
      ),
      logger,
      auditor,
      notifier: new MaasNotifier({ notifications, logger, db: knex }),
      now: () => new Date(clock),
      bindings,
    });
  });

  afterAll(async () => {
    await state?.stop();
    await deleteTestNamespace(kc, ns);
  });

  /** A fresh user per test, so that the per-user cap does not couple tests. */
  const user = () => `user:default/u-${randomUUID().slice(0, 8)}`;

  /** One pass of the reconciler over the test namespace, at `now`, with `graceMs` for young Secrets. */
  const reconcile = (now: Date, graceMs: number) =>
    reconcileKeys({ keys, secrets, logger, namespaces: [ns], now, graceMs });

  /** The scheduled key tasks over the test namespace, at the test's `clock`. */
  const tasksOnTheClock = () => ({
    keys,
    secrets,
    logger,
    namespaces: [ns],
    now: () => new Date(clock),
    graceMs: 0,
  });

  /** A user's request for a key to the model. */
  const ask = (
    owner: string,
    tier: string,
    reason: string,
    expiresInDays?: number,
  ) =>
    keys.requests.createRequest({
      model,
      userEntityRef: owner,
      tier,
      reason,
      expiresInDays,
    });

  /** Who may act, as the routes decide it: only the boss holds maas.key.revoke. */
  const access = new KeyAccess({
    bindings: new EntityBindings({
      userInfo: mockServices.userInfo(),
      adminGroups: [],
    }),
    allowSelfApproval: false,
    gate: new PermissionGate({
      httpAuth: mockServices.httpAuth(),
      permissions: mockServices.permissions.mock({
        authorize: async (requests, options) =>
          requests.map(r => ({
            result:
              r.permission.name !== 'maas.key.revoke' ||
              (options?.credentials.principal as { userEntityRef: string })
                .userEntityRef === BOSS
                ? AuthorizeResult.ALLOW
                : AuthorizeResult.DENY,
          })),
      }),
    }),
  });

  /** The key flow as the routes drive it: KeyAccess decides who may, then a service acts. */
  const service = {
    decide: (...args: Parameters<KeyServices['requests']['decide']>) =>
      keys.requests.decide(...args),
    getKey: (id: string) => keys.operations.getKey(id),
    async cancel(id: string, actor: string) {
      const request = await keys.requests.getRequest(id);
      access.requireRequester(request, actor);
      return keys.requests.cancel(request, actor);
    },
    async reveal(id: string, actor: string) {
      const key = await keys.operations.getKey(id);
      access.requireOwner(key, actor, 'see');
      return keys.operations.reveal(key, actor);
    },
    async rotate(id: string, actor: string) {
      const key = await keys.operations.getKey(id);
      access.requireOwner(key, actor, 'rotate');
      return keys.operations.rotate(key, actor);
    },
    async revoke(id: string, actor: string) {
      const key = await keys.operations.getKey(id);
      const credentials = mockCredentials.user(actor);
      await access.requireRevoke(credentials, key, actor);
      return keys.operations.revoke(key, actor);
    },
    async requestTierChange(
      keyId: string,
      tier: string,
      reason: string,
      actor: string,
    ) {
      const key = await keys.operations.getKey(keyId);
      const credentials = mockCredentials.user(actor);
      await access.requireTierChange(credentials, key, actor);
      return keys.requests.askForTierChange({ key, tier, reason, actor });
    },
  };

  return {
    get kc() {
      return kc;
    },
    get core() {
      return core;
    },
    get ns() {
      return ns;
    },
    get db() {
      return db;
    },
    get keys() {
      return keys;
    },
    get secrets() {
      return secrets;
    },
    get model() {
      return model;
    },
    get modelUid() {
      return modelUid;
    },
    get clock() {
      return clock;
    },
    set clock(time: number) {
      clock = time;
    },
    logger,
    notifications,
    auditor,
    values,
    readSecret,
    secretExists,
    listManagedSecrets,
    apiKeyOf,
    user,
    reconcile,
    tasksOnTheClock,
    ask,
    access,
    service,
    /** No key value the tests saw (in `values`; more than three) reached the logger. */
    expectNoKeyValueLogged() {
      const logged = JSON.stringify([
        logger.info.mock.calls,
        logger.warn.mock.calls,
        logger.error.mock.calls,
        logger.debug.mock.calls,
      ]);
      expect(values.length).toBeGreaterThan(3);
      for (const value of values) expect(logged).not.toContain(value);
    },
  };
}
