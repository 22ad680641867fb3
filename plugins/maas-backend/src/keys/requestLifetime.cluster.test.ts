/*
 * Issue #20 (LOW): approvers see the requested lifetime. GET /keys/requests gives each new-key request's
 * lifetime (`expiresInDays`: what was asked, or maas.keys.defaultTtlDays when it was made) to the admin and
 * the model's owners who decide it, and to its requester; a developer of another team sees neither the
 * request nor its lifetime. Over HTTP, on the harness's API server.
 */
import request from 'supertest';
import { useMaasBackendOnModels } from '../__testUtils__/startMaasBackend';
import { ADMIN, as, DEV_A, DEV_B, TEAM_A } from '../__testUtils__/testUsers';

jest.setTimeout(90_000);

const MODEL = 'component:default/lifetime';
const DEFAULT_DAYS = 45;

describe('the lifetime of a key request', () => {
  const bed = useMaasBackendOnModels({
    prefix: 'req-lifetime',
    models: { lifetime: TEAM_A },
    maas: { keys: { defaultTtlDays: DEFAULT_DAYS } },
  });

  const pending = async (user: string) => {
    const res = await request(bed.server)
      .get(`/api/maas/keys/requests?state=pending&entityRef=${MODEL}`)
      .set(as(user));
    expect(res.status).toBe(200);
    return (
      res.body as Array<{ userEntityRef: string; expiresInDays?: number }>
    )
      .map(r => [r.userEntityRef, r.expiresInDays])
      .sort();
  };

  it('LOW: approvers see the requested lifetime', async () => {
    const asked = await request(bed.server)
      .post('/api/maas/keys/requests')
      .set(as(DEV_A))
      .send({
        entityRef: MODEL,
        tier: 'premium',
        reason: 'ci',
        expiresInDays: 30,
      });
    expect(asked.status).toBe(201);
    expect(asked.body.request.expiresInDays).toBe(30);
    // Without a lifetime: the portal's default, fixed when asked.
    const defaulted = await request(bed.server)
      .post('/api/maas/keys/requests')
      .set(as(DEV_B))
      .send({ entityRef: MODEL, tier: 'premium', reason: 'trial' });
    expect(defaulted.status).toBe(201);
    expect(defaulted.body.request.expiresInDays).toBe(DEFAULT_DAYS);

    // The admin decides both; jane (team A owns the model) may decide bob's and sees hers.
    expect(await pending(ADMIN)).toEqual([
      [DEV_B, DEFAULT_DAYS],
      [DEV_A, 30],
    ]);
    expect(await pending(DEV_A)).toEqual([
      [DEV_B, DEFAULT_DAYS],
      [DEV_A, 30],
    ]);
    // Bob, of another team, sees his own only.
    expect(await pending(DEV_B)).toEqual([[DEV_B, DEFAULT_DAYS]]);
  });
});
