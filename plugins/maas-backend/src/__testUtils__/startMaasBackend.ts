/* The maas plugin in a test backend on the harness's cluster, as this package's HTTP tests start it. */
import { BackendFeature } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { harnessEnv } from '@maas-portal/harness/testing';
import type { Server } from 'node:http';
import { maasPlugin } from '../plugin';

/** What supertest is given. */
export type TestBackendServer = Server;

/**
 * Starts the maas plugin with `features` (the permission policy, user info), a catalog holding
 * `entities`, and `maas` config beside `maas.cluster` (the harness's kubeconfig); its HTTP server.
 */
export async function startMaasBackend(options: {
  features: BackendFeature[];
  entities: Entity[];
  maas?: object;
}): Promise<TestBackendServer> {
  const { server } = await startTestBackend({
    features: [
      maasPlugin,
      ...options.features,
      catalogServiceMock.factory({ entities: options.entities }),
      mockServices.rootConfig.factory({
        data: {
          maas: {
            cluster: { kubeconfig: harnessEnv('MAAS_HARNESS_KUBECONFIG') },
            ...options.maas,
          },
        },
      }),
    ],
  });
  return server;
}
