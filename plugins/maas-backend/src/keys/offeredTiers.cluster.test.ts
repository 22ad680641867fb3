/*
 * Issue #20 (LOW): a requested tier must be one the model offers. A key request (or a tier change) for a
 * portal tier that the model's policies do not select answers 400 naming the tiers it offers, to a
 * developer of the model's team, a developer of another team and an admin alike; over HTTP, on the
 * harness's API server, with the model's RateLimitPolicy read from the backend's watch cache.
 */
import { KubernetesObjectApi } from '@kubernetes/client-node';
import { eventually } from '@maas-portal/harness/testing';
import request from 'supertest';
import { httpRoute } from '../__testUtils__/harness';
import { tierRateLimitPolicy } from '../__testUtils__/liveTraffic';
import { useMaasBackendOnModels } from '../__testUtils__/startMaasBackend';
import { ADMIN, as, DEV_A, DEV_B, TEAM_A } from '../__testUtils__/testUsers';

jest.setTimeout(90_000);

/** Limited per tier by its RateLimitPolicy: free and premium, not the portal's enterprise. */
const TIERED = 'component:default/tiered';
/** No policy names a tier: the tier only labels the key. */
const PLAIN = 'component:default/plain';

describe('a requested tier must be one the model offers', () => {
  const bed = useMaasBackendOnModels({
    prefix: 'offered-tiers',
    models: { tiered: TEAM_A, plain: TEAM_A },
    maas: { keys: { namespace: 'kuadrant-system' } },
    async prepare(kc, ns) {
      const objects = KubernetesObjectApi.makeApiClient(kc);
      await objects.create(httpRoute(ns, 'tiered'));
      await objects.create(tierRateLimitPolicy(ns, 'tiered') as any);
    },
  });

  beforeAll(async () => {
    // The watch cache has the RateLimitPolicy: the model's tiers show its limits.
    await eventually(async () => {
      const res = await request(bed.server)
        .get(`/api/maas/models/by-entity/tiers?entityRef=${TIERED}`)
        .set(as(DEV_A));
      const limited = res.body.tiers
        .filter((t: any) => t.requests.length)
        .map((t: any) => t.name);
      if (limited.join() !== 'free,premium')
        throw new Error(`tiers with limits so far: ${limited.join()}`);
    }, 30_000);
  });

  const ask = (user: string, entityRef: string, tier: string) =>
    request(bed.server)
      .post('/api/maas/keys/requests')
      .set(as(user))
      .send({ entityRef, tier, reason: 'offered tiers test' });
  const mine = async (user: string) =>
    (
      await request(bed.server)
        .get('/api/maas/keys/requests?mine=true')
        .set(as(user))
    ).body as Array<{ entityRef: string; tier: string }>;

  it('LOW: a requested tier must be one the model offers (400 naming its tiers, to all three users)', async () => {
    for (const user of [DEV_A, DEV_B, ADMIN]) {
      const res = await ask(user, TIERED, 'enterprise');
      expect({ user, status: res.status }).toEqual({ user, status: 400 });
      expect(res.body.error).toMatchObject({
        name: 'InputError',
        message:
          'The model component:default/tiered does not offer tier "enterprise": its policies limit only free, premium. Ask for one of those',
      });
      expect(res.body.error.stack).toBeUndefined();
      expect(await mine(user)).toEqual([]);
    }
    // A tier it offers is taken; a model whose policies name no tier takes any portal tier.
    expect((await ask(DEV_B, TIERED, 'premium')).status).toBe(201);
    expect((await ask(ADMIN, PLAIN, 'enterprise')).status).toBe(201);
    expect((await mine(DEV_B)).map(r => [r.entityRef, r.tier])).toEqual([
      [TIERED, 'premium'],
    ]);
  });

  it('LOW: a tier change to a tier the model does not offer answers 400 naming its tiers', async () => {
    const created = await ask(DEV_A, TIERED, 'free');
    expect(created.status).toBe(201);
    const keyId = created.body.issued.key.id;
    const change = await request(bed.server)
      .post(`/api/maas/keys/${keyId}/tier-change`)
      .set(as(DEV_A))
      .send({ tier: 'enterprise', reason: 'more calls' });
    expect(change.status).toBe(400);
    expect(change.body.error.message).toBe(
      'The model component:default/tiered does not offer tier "enterprise": its policies limit only free, premium. Ask for one of those',
    );
    const offered = await request(bed.server)
      .post(`/api/maas/keys/${keyId}/tier-change`)
      .set(as(DEV_A))
      .send({ tier: 'premium', reason: 'more calls' });
    expect(offered.status).toBe(201);
  });
});
