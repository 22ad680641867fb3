/* The maas plugin in a test backend on the harness's cluster, as this package's HTTP tests start it. */
import { BackendFeature } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { eventually, harnessEnv } from '@maas-portal/harness/testing';
import { Knex } from 'knex';
import type { Server } from 'node:http';
import request from 'supertest';
import { maasPlugin } from '../plugin';
import { as } from './testUsers';

/** What supertest is given. */
export type TestBackendServer = Server;

/**
 * Starts the maas plugin with `features` (the permission policy, user info), a catalog holding
 * `entities`, and `maas` config beside `maas.cluster` (the harness's kubeconfig); with `knex`, on
 * that database (a replica's own pool) instead of the test backend's SQLite. Its HTTP server.
 */
export async function startMaasBackend(options: {
  features: BackendFeature[];
  entities: Entity[];
  maas?: object;
  knex?: Knex;
}): Promise<TestBackendServer> {
  const { server } = await startTestBackend({
    features: [
      maasPlugin,
      ...options.features,
      catalogServiceMock.factory({ entities: options.entities }),
      ...(options.knex
        ? [mockServices.database.factory({ knex: options.knex })]
        : []),
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

/** Waits until `server`'s watch cache has seen `entityRef`'s InferenceService name it back. */
export async function waitUntilBound(
  server: TestBackendServer,
  entityRef: string,
  user: string,
) {
  await eventually(async () => {
    const res = await request(server)
      .get(`/api/maas/models/by-entity/binding?entityRef=${entityRef}`)
      .set(as(user));
    if (!res.body.bound)
      throw new Error(
        `${entityRef} not bound yet: ${JSON.stringify(res.body)}`,
      );
  }, 30_000);
}
