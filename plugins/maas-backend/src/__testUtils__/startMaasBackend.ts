/* The maas plugin in a test backend on the harness's cluster, as this package's HTTP tests start it. */
import { BackendFeature } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { KubeConfig } from '@kubernetes/client-node';
import {
  eventually,
  harnessEnv,
  useTestNamespace,
} from '@maas-portal/harness/testing';
import { Knex } from 'knex';
import type { Server } from 'node:http';
import request from 'supertest';
import { maasPlugin } from '../plugin';
import { createBoundModel, modelComponent } from './harness';
import { as, DEV_A, examplePolicyUsers } from './testUsers';

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
  /** Other top-level config, e.g. `app.baseUrl` for the notifications backend. */
  config?: object;
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
          ...options.config,
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

/**
 * For a test file: a test namespace (named after `prefix`) holding `models` (name → owning group),
 * each an InferenceService bound to its Component `component:default/<name>`; then `prepare`
 * (e.g. more objects), then the maas plugin with the example policy and users, `maas` config and a
 * catalog of those Components, waited on until each model is bound. Made before the file's tests,
 * the namespace deleted after them; read `kc`, `ns` and `server` inside hooks and tests.
 */
export function useMaasBackendOnModels(options: {
  prefix: string;
  models: Record<string, string>;
  maas?: object;
  prepare?: (kc: KubeConfig, ns: string) => Promise<void>;
}) {
  const cluster = useTestNamespace(options.prefix);
  let server: TestBackendServer | undefined;
  const models = Object.entries(options.models);
  beforeAll(async () => {
    const { admin: kc, namespace: ns } = cluster;
    for (const [name, owner] of models)
      await createBoundModel(kc, ns, name, owner);
    await options.prepare?.(kc, ns);
    server = await startMaasBackend({
      features: examplePolicyUsers(
        Object.fromEntries(
          models.map(([name, owner]) => [`component:default/${name}`, owner]),
        ),
      ),
      entities: models.map(
        ([name, owner]) =>
          modelComponent(name, `${ns}/${name}`, owner) as Entity,
      ),
      maas: options.maas,
    });
    for (const [name] of models)
      await waitUntilBound(server, `component:default/${name}`, DEV_A);
  });
  return {
    get kc() {
      return cluster.admin;
    },
    get ns() {
      return cluster.namespace;
    },
    get server() {
      if (!server)
        throw new Error(
          'the maas backend starts in beforeAll: read it in a hook or test',
        );
      return server;
    },
  };
}
