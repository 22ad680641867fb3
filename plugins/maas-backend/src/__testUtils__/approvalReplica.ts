/*
 * A replica of the key flow in a process of its own, for the test that kills one mid-approval
 * (replicaCrash.cluster.test.ts). It approves one request with the backend's own services on the
 * given database and cluster and, at the step named by MAAS_REPLICA_PAUSE_AT, prints
 * `paused:<step>` and waits to be killed: the pause is the only test instrumentation, so that the
 * SIGKILL lands at a known step instead of at a random one.
 *
 * Run with `node --require @backstage/cli/config/nodeTransform.cjs` from the package directory.
 */
import { LoggerService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { KubeConfig } from '@kubernetes/client-node';
import knexFactory from 'knex';
import { readMaasConfig } from '../config/MaasConfig';
import { createKeyServices } from '../keys/createKeyServices';
import { KeySecrets } from '../keys/KeySecrets';
import { KeyDatabase } from '../keys/store/KeyDatabase';

/** Where the replica stops: after the request is approved (no Secret yet), or after its Secret is written (no key row yet). */
export type PauseStep = 'approved' | 'secret-written';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const quiet: LoggerService = {
  info: () => {},
  warn: (message: string) => process.stderr.write(`${message}\n`),
  error: (message: string) => process.stderr.write(`${message}\n`),
  debug: () => {},
  child: () => quiet,
};

const pauseForever = (step: PauseStep) => {
  process.stdout.write(`paused:${step}\n`);
  return new Promise<never>(() => {});
};

async function main() {
  const pauseAt = env('MAAS_REPLICA_PAUSE_AT') as PauseStep;
  const knex = knexFactory({
    client: 'pg',
    connection: JSON.parse(env('MAAS_REPLICA_DB')),
  });
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(env('KUBECONFIG'));
  const config = readMaasConfig(
    new ConfigReader({
      maas: { keys: { namespace: env('MAAS_REPLICA_KEYS_NAMESPACE') } },
    }),
  );
  const db = new KeyDatabase(knex);
  const secrets = new KeySecrets({
    kubeConfig,
    timeoutMs: 10_000,
    namespace: config.keys.namespace,
    installId: await db.installId(),
  });
  if (pauseAt === 'approved') secrets.modelUid = () => pauseForever(pauseAt);
  else {
    const create = secrets.create.bind(secrets);
    secrets.create = async spec => {
      await create(spec);
      return pauseForever(pauseAt);
    };
  }
  const keys = createKeyServices({
    db,
    secrets,
    config,
    logger: quiet,
  });
  await keys.requests.decide(
    env('MAAS_REPLICA_REQUEST'),
    'approve',
    env('MAAS_REPLICA_APPROVER'),
  );
  process.stdout.write('done\n');
  await knex.destroy();
}

main().catch(error => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
