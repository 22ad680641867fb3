/*
 * The keys router's test bed: the maas plugin on the harness with the three users, a test namespace
 * holding qwen3 (team A), a hand-deployed seed, a model re-created during a test (reborn) and Bob's
 * mirror entity pointing at qwen3, for keyRequestRoutes and keyRoutesPerEntity.cluster.test.ts.
 */
import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { KubeConfig } from '@kubernetes/client-node';
import {
  createTestNamespace,
  deleteTestNamespace,
  harnessKubeConfig,
} from '@maas-portal/harness/testing';
import {
  MAAS_BOUND_ENTITY_ANNOTATION,
  MAAS_MODEL_OWNER_ANNOTATION,
} from '@maas-portal/plugin-maas-common';
import { INFERENCE_SERVICE } from '@maas-portal/plugin-maas-node';
import request from 'supertest';
import {
  createBoundModel,
  createObject,
  inferenceService,
  modelComponent,
} from '../__testUtils__/harness';
import {
  as,
  DEV_A,
  examplePolicy,
  TEAM_A,
  TEAM_B,
  usersInfo,
} from '../__testUtils__/testUsers';
import {
  startMaasBackend,
  TestBackendServer,
  waitUntilBound,
} from '../__testUtils__/startMaasBackend';

export const QWEN = 'component:default/qwen3';
/** Bob's own entity pointing at qwen3's InferenceService: the cluster does not name it back. */
export const MIRROR = 'component:default/qwen3-mirror';
/** A model deployed by hand: its InferenceService names no entity until an admin adopts it. */
export const SEED = 'component:default/seed';
/** A model deleted and created again under the same name during the test. */
export const REBORN = 'component:default/reborn';
const permissions = mockServices.permissions.mock({
  authorize: examplePolicy({
    [REBORN]: TEAM_A,
    [QWEN]: TEAM_A,
    [MIRROR]: TEAM_B,
    [SEED]: TEAM_A,
  }),
});
const userInfo = usersInfo();

/**
 * The keys router on the harness for a test file: started before its tests, its namespace deleted
 * after them; read `server`, `kc`, `ns` and `entities` inside hooks and tests.
 */
export function useKeysRouterBed() {
  let server: TestBackendServer;
  let kc: KubeConfig;
  let ns: string;
  let entities: Entity[];

  const rebornIsvc = () =>
    inferenceService(ns, 'reborn', {
      [MAAS_BOUND_ENTITY_ANNOTATION]: REBORN,
      [MAAS_MODEL_OWNER_ANNOTATION]: TEAM_A,
    });

  /** The maas plugin on the harness cluster, with the three users, the catalog and `maas` config. */
  const startPortal = (maas: object) =>
    startMaasBackend({
      features: [permissions.factory, userInfo.factory],
      entities,
      maas,
    });

  beforeAll(async () => {
    kc = harnessKubeConfig();
    ns = await createTestNamespace(kc, 'keys-router');
    await createBoundModel(kc, ns, 'qwen3', TEAM_A);
    await createObject(
      kc,
      INFERENCE_SERVICE,
      inferenceService(ns, 'seed', {}) as any,
    );
    await createObject(kc, INFERENCE_SERVICE, rebornIsvc() as any);
    entities = [
      modelComponent('qwen3', `${ns}/qwen3`, TEAM_A),
      modelComponent('qwen3-mirror', `${ns}/qwen3`, TEAM_B),
      modelComponent('seed', `${ns}/seed`, TEAM_A),
      modelComponent('reborn', `${ns}/reborn`, TEAM_A),
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'website', namespace: 'default' },
        spec: {
          type: 'website',
          owner: 'group:default/web',
          lifecycle: 'production',
        },
      },
    ];
    server = await startPortal({
      keys: {
        reasonMaxLength: 20,
        maxActivePerUserAndModel: 3,
        // No key Secret can be written there: approvals stand and issuing waits, which
        // these tests do not test (keyOperations.cluster.test.ts does).
        namespace: 'no-such-namespace',
      },
    });
    // The watch cache has seen the InferenceServices.
    await waitUntilBound(server, QWEN, DEV_A);
  });

  afterAll(async () => {
    if (kc && ns) await deleteTestNamespace(kc, ns);
  });

  const newRequest = (user: string, body: object) =>
    request(server).post('/api/maas/keys/requests').set(as(user)).send(body);
  /** Asks for a key as `user`; the new request's id. */
  const requestId = async (
    user: string,
    entityRef: string,
    reason: string,
    tier = 'premium',
  ): Promise<string> =>
    (await newRequest(user, { entityRef, tier, reason })).body.request.id;
  const decide = (user: string, body: object) =>
    request(server)
      .post('/api/maas/keys/requests/decisions')
      .set(as(user))
      .send(body);
  const binding = (user: string, entityRef: string) =>
    request(server)
      .get(`/api/maas/models/by-entity/binding?entityRef=${entityRef}`)
      .set(as(user));
  const adopt = (user: string, entityRef: string) =>
    request(server)
      .post(`/api/maas/models/by-entity/adopt?entityRef=${entityRef}`)
      .set(as(user));
  const usage = (user: string, entityRef: string) =>
    request(server)
      .get(`/api/maas/models/by-entity/usage?entityRef=${entityRef}&range=1h`)
      .set(as(user));

  return {
    get server() {
      return server;
    },
    get kc() {
      return kc;
    },
    get ns() {
      return ns;
    },
    get entities() {
      return entities;
    },
    rebornIsvc,
    startPortal,
    newRequest,
    requestId,
    decide,
    binding,
    adopt,
    usage,
  };
}
