/*
 * A backend just started, asked before its watch caches have made their first LIST: the request
 * waits for that LIST (the API server is reached through a relay that holds new connections until the
 * test releases them) and answers from the whole cluster — the model, its route and its
 * RateLimitPolicy's tiers — not 503 "still loading" or a model without its policies. An API server
 * that cannot be reached answers once the LIST has failed, with 503 naming it, to every user.
 */
import { KubernetesObjectApi } from '@kubernetes/client-node';
import {
  createTestNamespace,
  deleteTestNamespace,
  harnessKubeConfig,
} from '@maas-portal/harness/testing';
import type { Server } from 'node:http';
import request from 'supertest';
import { ApiServerRelay } from '../__testUtils__/apiServerRelay';
import {
  createBoundModel,
  httpRoute,
  modelComponent,
} from '../__testUtils__/harness';
import { tierRateLimitPolicy } from '../__testUtils__/liveTraffic';
import { startMaasBackend } from '../__testUtils__/startMaasBackend';
import {
  ADMIN,
  as,
  DEV_A,
  DEV_B,
  examplePolicyUsers,
  TEAM_A,
} from '../__testUtils__/testUsers';

jest.setTimeout(120_000);

const NAME = 'firstread';
const ENTITY = `component:default/${NAME}`;

describe('a backend just started answers once its watch caches have read the cluster', () => {
  const kc = harnessKubeConfig();
  let ns: string;
  const relays: ApiServerRelay[] = [];

  beforeAll(async () => {
    ns = await createTestNamespace(kc, 'first-read');
    await createBoundModel(kc, ns, NAME, TEAM_A);
    const objects = KubernetesObjectApi.makeApiClient(kc);
    await objects.create(httpRoute(ns, NAME));
    await objects.create(tierRateLimitPolicy(ns, NAME) as any);
  });

  afterAll(async () => {
    relays.forEach(r => r.close());
    if (ns) await deleteTestNamespace(kc, ns);
  });

  /** The maas plugin on the harness's cluster through `relay`, with `requestTimeoutMs`. */
  async function backendThrough(
    relay: ApiServerRelay,
    requestTimeoutMs = 10_000,
  ): Promise<Server> {
    relays.push(relay);
    await relay.start();
    return startMaasBackend({
      features: examplePolicyUsers({ [ENTITY]: TEAM_A }),
      entities: [modelComponent(NAME, `${ns}/${NAME}`, TEAM_A) as any],
      maas: {
        cluster: { kubeconfig: relay.kubeConfigFile(), requestTimeoutMs },
      },
    });
  }

  it("waits for the first LIST, then shows the model's route and its policy's tiers to each user who may read it", async () => {
    const relay = new ApiServerRelay();
    relay.hold();
    const server = await backendThrough(relay);
    const tiers = (user: string) =>
      request(server)
        .get(`/api/maas/models/by-entity/tiers?entityRef=${ENTITY}`)
        .set(as(user));
    const model = (user: string) =>
      request(server)
        .get(`/api/maas/models/by-entity?entityRef=${ENTITY}`)
        .set(as(user));
    // Asked while no LIST can have been answered; the answers must come after the release.
    const asked = [tiers(DEV_A), model(DEV_A), tiers(ADMIN)].map(r =>
      r.then(res => ({ res, at: Date.now() })),
    );
    await new Promise(r => setTimeout(r, 1500));
    const releasedAt = Date.now();
    relay.release();
    const [devTiers, devModel, adminTiers] = await Promise.all(asked);
    for (const { res, at } of [devTiers, devModel, adminTiers]) {
      expect({ status: res.status, body: res.body }).toMatchObject({
        status: 200,
      });
      expect(at).toBeGreaterThanOrEqual(releasedAt);
    }
    for (const { res } of [devTiers, adminTiers]) {
      expect(
        res.body.tiers
          .filter((t: any) => t.requests.length > 0)
          .map((t: any) => t.name),
      ).toEqual(['free', 'premium']);
    }
    expect(devModel.res.body.warnings).toEqual([]);
    expect(devModel.res.body.route).toMatchObject({
      name: `${NAME}-route`,
      namespace: ns,
      found: true,
    });
    // Bob's team does not own the model; the example policy lets developers read every model.
    const bobs = await tiers(DEV_B);
    expect(bobs.status).toBe(200);
  });

  it('answers 503 naming the unreachable API server once the first LIST has failed, and at once after that', async () => {
    const relay = new ApiServerRelay();
    const server = await backendThrough(relay, 2000);
    relay.down();
    const first = await request(server)
      .get(`/api/maas/models/by-entity?entityRef=${ENTITY}`)
      .set(as(DEV_A));
    expect(first.status).toBe(503);
    expect(first.body.error.name).toBe('ServiceUnavailableError');
    expect(first.body.error.message).toMatch(/API server|cluster/i);
    expect(first.body.error.stack).toBeUndefined();
    const again = await request(server)
      .get(`/api/maas/models/by-entity?entityRef=${ENTITY}`)
      .set(as(ADMIN));
    expect(again.status).toBe(503);
    expect(again.body.error.message).toBe(first.body.error.message);
  });
});
