/* The key services one replica of the backend builds on its own pool, for the replica and fault tests. */
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { KubeConfig } from '@kubernetes/client-node';
import { Knex } from 'knex';
import { readMaasConfig } from '../config/MaasConfig';
import { createKeyServices } from '../keys/createKeyServices';
import { KeySecrets } from '../keys/KeySecrets';
import { KeyDatabase } from '../keys/store/KeyDatabase';

/** The key services on `knex`, writing key Secrets to `namespace` of the cluster of `kubeConfig`. */
export async function replicaKeyServices(options: {
  knex: Knex;
  kubeConfig: KubeConfig;
  namespace: string;
}) {
  const { knex, kubeConfig, namespace } = options;
  const db = new KeyDatabase(knex);
  const secrets = new KeySecrets({
    kubeConfig,
    timeoutMs: 10_000,
    namespace,
    installId: await db.installId(),
  });
  const keys = createKeyServices({
    db,
    secrets,
    config: readMaasConfig(new ConfigReader({ maas: { keys: { namespace } } })),
    logger: mockServices.logger.mock(),
  });
  return { keys, secrets };
}
