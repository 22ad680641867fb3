/*
 * What two replicas on one PostgreSQL share besides requests: the scheduled key tasks, run once
 * per period by whichever replica Backstage's scheduler picks, and the repair of an approval that
 * a replica did not finish because it was killed (SIGKILL, a real child process) half-way.
 */
import {
  coreServices,
  createBackendPlugin,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import {
  createTestNamespace,
  deleteTestNamespace,
  eventually,
  harnessEnv,
  harnessKubeConfig,
} from '@maas-portal/harness/testing';
import { MAAS_KEY_LABELS } from '@maas-portal/plugin-maas-common';
import { Knex } from 'knex';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createBoundModel } from './__testUtils__/harness';
import { connectionOf, secondPool } from './__testUtils__/secondPool';
import type { PauseStep } from './__testUtils__/approvalReplica';
import { replicaKeyServices } from './__testUtils__/replicaKeyServices';
import { ADMIN, DEV_B, TEAM_A } from './__testUtils__/testUsers';
import { KeyServices } from './keys/createKeyServices';
import { hashApiKey } from './keys/generateApiKey';
import { runKeyTasks, scheduleKeyTasks } from './keys/scheduleKeyTasks';
import { KeyDatabase } from './keys/store/KeyDatabase';

jest.setTimeout(180_000);

const QWEN = 'component:default/qwen3';
const PACKAGE_DIR = resolve(__dirname, '..');

describe('replicas: scheduled tasks and a replica killed mid-approval', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
  let kc: KubeConfig;
  let ns: string;
  let pools: Knex[];

  /** The key services of one replica: its own pool, the same database and cluster. */
  const servicesOf = (knex: Knex) =>
    replicaKeyServices({ knex, kubeConfig: kc, namespace: ns });

  const askForKey = (keys: KeyServices, reason: string) =>
    keys.requests
      .createRequest({
        model: {
          entityRef: QWEN,
          inferenceService: { namespace: ns, name: 'qwen3' },
        },
        userEntityRef: DEV_B,
        tier: 'premium',
        reason,
      })
      .then(r => r.request.id);

  const secretsOf = async (requestId: string) =>
    (
      await kc.makeApiClient(CoreV1Api).listNamespacedSecret({
        namespace: ns,
        labelSelector: `${MAAS_KEY_LABELS.requestId}=${requestId}`,
      })
    ).items;

  beforeAll(async () => {
    harnessEnv('BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING');
    kc = harnessKubeConfig();
    ns = await createTestNamespace(kc, 'replica-failover');
    await createBoundModel(kc, ns, 'qwen3', TEAM_A);
    const knex = await databases.init('POSTGRES_15');
    await KeyDatabase.migrate(knex);
    pools = [knex, secondPool(knex)];
  });

  afterAll(async () => {
    await pools?.[1]?.destroy();
    if (kc && ns) await deleteTestNamespace(kc, ns);
  });

  /**
   * Approves `requestId` in a child process that stops at `step`, then kills it with SIGKILL by
   * its PID: what an OOM kill or a node failure does to a pod.
   */
  async function approveAndKill(requestId: string, step: PauseStep) {
    const child = spawn(
      process.execPath,
      [
        '--require',
        '@backstage/cli/config/nodeTransform.cjs',
        'src/__testUtils__/approvalReplica.ts',
      ],
      {
        cwd: PACKAGE_DIR,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          KUBECONFIG: harnessEnv('MAAS_HARNESS_KUBECONFIG'),
          MAAS_REPLICA_DB: JSON.stringify(connectionOf(pools[0])),
          MAAS_REPLICA_KEYS_NAMESPACE: ns,
          MAAS_REPLICA_REQUEST: requestId,
          MAAS_REPLICA_APPROVER: ADMIN,
          MAAS_REPLICA_PAUSE_AT: step,
        },
      },
    );
    let output = '';
    const paused = new Promise<void>((done, fail) => {
      child.stdout.on('data', data => {
        output += data;
        if (output.includes(`paused:${step}`)) done();
      });
      child.stderr.on('data', data => (output += data));
      child.once('exit', () =>
        fail(new Error(`the replica exited before ${step}: ${output}`)),
      );
    });
    const exited = new Promise<NodeJS.Signals | number | null>(r =>
      child.once('exit', (code, signal) => r(signal ?? code)),
    );
    await paused;
    process.kill(child.pid!, 'SIGKILL');
    expect(await exited).toBe('SIGKILL');
  }

  it.each<[PauseStep, number]>([
    ['approved', 0],
    ['secret-written', 1],
  ])(
    'a replica killed after %p leaves no lost or double key: the other replica repairs it',
    async (step, secretsLeft) => {
      const survivor = await servicesOf(pools[1]);
      const id = await askForKey(survivor.keys, `killed ${step}`);
      await approveAndKill(id, step);

      // What the dead replica left: the approval stands, and no key yet.
      expect(await survivor.keys.db.requests.get(id)).toMatchObject({
        state: 'approved',
        decidedBy: ADMIN,
      });
      expect(await survivor.keys.db.keys.get(id)).toBeUndefined();
      const left = await secretsOf(id);
      expect(left).toHaveLength(secretsLeft);
      // Approving again on the other replica makes no second key: it is decided.
      await expect(
        survivor.keys.requests.decide(id, 'approve', ADMIN),
      ).rejects.toThrow(`Key request ${id} is already decided: approved`);

      // The key task (what the scheduler runs) on the surviving replica finishes it.
      const report = await runKeyTasks({
        ...survivor,
        logger: mockServices.logger.mock(),
        namespaces: [],
        graceMs: 0,
      });
      expect(report.completed).toContain(id);
      expect(report.failures).toEqual([]);

      const key = await survivor.keys.db.keys.get(id);
      expect(key).toMatchObject({ state: 'active', requestId: id });
      expect((await survivor.keys.db.requests.get(id))?.state).toBe('issued');
      const [secret, ...more] = await secretsOf(id);
      expect(more).toEqual([]);
      // A Secret the dead replica wrote is adopted, not replaced: its value is the key's.
      expect(left.map(s => s.metadata?.uid)).toEqual(
        secretsLeft ? [secret.metadata?.uid] : [],
      );
      const value = await survivor.secrets.readValue(
        ns,
        secret.metadata!.name!,
      );
      expect(hashApiKey(value!)).toBe(key!.hash);
      // Another pass changes nothing.
      const again = await runKeyTasks({
        ...survivor,
        logger: mockServices.logger.mock(),
        namespaces: [],
        graceMs: 0,
      });
      expect(again.completed).toEqual([]);
      expect(await secretsOf(id)).toHaveLength(1);
    },
  );

  it('runs the key task once per period across two replicas (the scheduler on PostgreSQL)', async () => {
    const runs: Array<{ replica: string; at: number }> = [];
    const setup = await servicesOf(pools[0]);
    // A key past its expiry, with its Secret: exactly one replica must expire it, once.
    const id = await askForKey(setup.keys, 'expires');
    await setup.keys.requests.decide(id, 'approve', ADMIN);
    await pools[0]('maas_keys')
      .where({ id })
      .update({ expires_at: new Date(Date.now() - 60_000) });

    /** The scheduler with the key task's period shortened from a minute to 2 s, to watch several periods. */
    const every2s = (scheduler: SchedulerService): SchedulerService => ({
      scheduleTask: task =>
        scheduler.scheduleTask({
          ...task,
          frequency: { seconds: 2 },
          initialDelay: { seconds: 0 },
        }),
      triggerTask: id_ => scheduler.triggerTask(id_),
      cancelTask: id_ => scheduler.cancelTask(id_),
      createScheduledTaskRunner: s => scheduler.createScheduledTaskRunner(s),
      getScheduledTasks: () => scheduler.getScheduledTasks(),
    });
    const startReplica = (replica: string, knex: Knex) =>
      startTestBackend({
        features: [
          schedulerServiceFactory,
          mockServices.database.factory({ knex }),
          createBackendPlugin({
            pluginId: 'maas',
            register(env) {
              env.registerInit({
                deps: { scheduler: coreServices.scheduler },
                async init({ scheduler }) {
                  const { keys, secrets } = await servicesOf(knex);
                  const expire = keys.operations.expireKeys.bind(
                    keys.operations,
                  );
                  keys.operations.expireKeys = async () => {
                    runs.push({ replica, at: Date.now() });
                    return expire();
                  };
                  await scheduleKeyTasks({
                    scheduler: every2s(scheduler),
                    keys,
                    secrets,
                    logger: mockServices.logger.mock(),
                    namespaces: [],
                  });
                },
              });
            },
          }),
        ],
      });
    // One after the other: the first creates the scheduler's tables.
    const first = await startReplica('A', pools[0]);
    const second = await startReplica('B', pools[1]);
    try {
      await eventually(async () => {
        if (runs.length < 5) throw new Error(`${runs.length} runs so far`);
      }, 60_000);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
    const starts = runs.map(r => r.at).sort((a, b) => a - b);
    const gaps = starts.slice(1).map((at, i) => at - starts[i]);
    // Never two runs in one period, whichever replica ran it.
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1_800);
    const expired = await pools[0]('maas_audit_events').where({
      subject_id: id,
      action: 'key.expired',
    });
    expect(expired).toHaveLength(1);
    expect((await setup.keys.db.keys.get(id))?.state).toBe('expired');
    expect(await secretsOf(id)).toEqual([]);
  });
});
