/* The keys router over HTTP with three users, part one: key requests and their decisions (input, permission, decisions per item, the cap under parallel requests, 404s, audit). */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { ADMIN, as, DEV_A, DEV_B } from '../__testUtils__/testUsers';
import { maasPlugin } from '../plugin';
import { QWEN, useKeysRouterBed } from '../__testUtils__/keysRouterBed';

jest.setTimeout(60_000);

describe('key request routes, with three users, on the harness', () => {
  const bed = useKeysRouterBed();

  it('needs a signed-in user', async () => {
    const res = await request(bed.server)
      .get('/api/maas/keys')
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
    const service = await request(bed.server)
      .get('/api/maas/keys')
      .set('Authorization', mockCredentials.service.header());
    expect(service.status).toBe(403);
  });

  it('says what is wrong with a request, and records nothing', async () => {
    // The expected message: a string to equal exactly, or a matcher for part of it.
    const cases: Array<[object, number, unknown]> = [
      [
        { tier: 'premium', reason: 'x' },
        400,
        'Invalid request body: entityRef: Required',
      ],
      [
        { entityRef: QWEN, tier: 'premium', reason: 'x', expiresInDays: 1.5 },
        400,
        expect.stringMatching(
          /Invalid request body: expiresInDays: Expected integer/,
        ),
      ],
      [
        { entityRef: 'component:default/nope', tier: 'premium', reason: 'x' },
        404,
        'No entity component:default/nope in the catalog (or you may not see it)',
      ],
      [
        {
          entityRef: 'component:default/website',
          tier: 'premium',
          reason: 'x',
        },
        404,
        expect.stringMatching(/component:default\/website is not a model/),
      ],
      [
        { entityRef: QWEN, tier: 'gold', reason: 'x' },
        400,
        'Unknown tier "gold"; this portal\'s tiers are free, premium, enterprise',
      ],
      [
        {
          entityRef: QWEN,
          tier: 'premium',
          reason: 'far too long a reason here',
        },
        400,
        'The reason is 26 characters long; at most 20 are allowed',
      ],
    ];
    for (const [body, status, message] of cases) {
      const res = await bed.newRequest(DEV_A, body);
      expect({ body, status: res.status }).toEqual({ body, status });
      expect(res.body.error.message).toEqual(message);
    }
    const mine = await request(bed.server)
      .get('/api/maas/keys/requests?mine=true')
      .set(as(DEV_A));
    expect(mine.body).toEqual([]);
  });

  it('enforces maas.key.request on the model entity', async () => {
    const denying = mockServices.permissions.mock({
      authorize: async reqs =>
        reqs.map(() => ({ result: AuthorizeResult.DENY })),
    });
    const { server: denied } = await startTestBackend({
      features: [
        maasPlugin,
        denying.factory,
        catalogServiceMock.factory({ entities: [] }),
      ],
    });
    const res = await request(denied)
      .post('/api/maas/keys/requests')
      .set(as(DEV_A))
      .send({ entityRef: QWEN, tier: 'premium', reason: 'x' });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe(
      'You lack the maas.key.request permission on component:default/qwen3',
    );
  });

  it('records a manual request, shows it to its owner and to approvers only, and takes decisions per item', async () => {
    const created = await bed.newRequest(DEV_A, {
      entityRef: QWEN,
      tier: 'premium',
      reason: 'evaluation',
    });
    expect(created.status).toBe(201);
    expect(created.body.request).toMatchObject({
      state: 'pending',
      tier: 'premium',
      userEntityRef: DEV_A,
      model: `${bed.ns}/qwen3`,
      entityRef: QWEN,
    });
    expect(created.body.issued).toBeUndefined();
    const id = created.body.request.id;

    // Each listed request says whether the caller may decide it: the owner may not, an approver may.
    expect(
      (
        await request(bed.server).get('/api/maas/keys/requests').set(as(DEV_A))
      ).body.map((r: { id: string; canDecide: boolean }) => [
        r.id,
        r.canDecide,
      ]),
    ).toEqual([[id, false]]);
    expect(
      (await request(bed.server).get('/api/maas/keys/requests').set(as(DEV_B)))
        .body,
    ).toEqual([]);
    expect(
      (
        await request(bed.server)
          .get(`/api/maas/keys/requests?entityRef=${QWEN}&state=pending`)
          .set(as(ADMIN))
      ).body.map((r: { id: string; canDecide: boolean }) => [
        r.id,
        r.canDecide,
      ]),
    ).toEqual([[id, true]]);
    const badState = await request(bed.server)
      .get('/api/maas/keys/requests?state=done')
      .set(as(ADMIN));
    expect(badState.status).toBe(400);
    expect(badState.body.error.message).toBe(
      'state must be one of pending, approved, issued, rejected, cancelled, failed',
    );

    const cancel = await request(bed.server)
      .post(`/api/maas/keys/requests/${id}/cancel`)
      .set(as(DEV_B));
    expect(cancel.status).toBe(403);
    expect(cancel.body.error.message).toBe(
      `Only ${DEV_A} can cancel key request ${id}`,
    );

    const byBob = await bed.decide(DEV_B, { ids: [id], decision: 'approve' });
    expect(byBob.status).toBe(200);
    expect(byBob.body).toEqual([
      {
        id,
        ok: false,
        error:
          'You lack the maas.key.approve permission on component:default/qwen3',
      },
    ]);

    const other = await bed.requestId(DEV_A, QWEN, 'batch', 'enterprise');
    const decided = await bed.decide(ADMIN, {
      ids: [id, other, 'no-such-request'],
      decision: 'reject',
      comment: 'not now',
    });
    expect(decided.body).toEqual([
      {
        id,
        ok: true,
        request: expect.objectContaining({
          state: 'rejected',
          decidedBy: ADMIN,
          decisionComment: 'not now',
        }),
      },
      {
        id: other,
        ok: true,
        request: expect.objectContaining({ state: 'rejected' }),
      },
      {
        id: 'no-such-request',
        ok: false,
        error: 'No key request no-such-request',
      },
    ]);
    const again = await bed.decide(ADMIN, { ids: [id], decision: 'approve' });
    expect(again.body).toEqual([
      {
        id,
        ok: false,
        error: `Key request ${id} is already decided: rejected`,
      },
    ]);

    const badDecision = await bed.decide(ADMIN, { ids: [], decision: 'maybe' });
    expect(badDecision.status).toBe(400);
    expect(badDecision.body.error.message).toMatch(
      /^Invalid request body: ids: Array must contain at least 1 element\(s\); decision: Invalid enum value/,
    );
  });

  it('keeps an approval that cannot issue yet, with a warning', async () => {
    const id = await bed.requestId(DEV_B, QWEN, 'later');
    const res = await bed.decide(ADMIN, { ids: [id], decision: 'approve' });
    expect(res.body).toEqual([
      {
        id,
        ok: true,
        request: expect.objectContaining({
          state: 'approved',
          decidedBy: ADMIN,
        }),
        warning: expect.stringMatching(
          /^Approved, but the key is not out yet \(.*\); the portal retries within minutes$/,
        ),
      },
    ]);
  });

  it('answers 404 for unknown keys, and audits for holders of maas.audit.read only', async () => {
    for (const action of ['reveal', 'revoke', 'rotate']) {
      const res = await request(bed.server)
        .post(`/api/maas/keys/nope/${action}`)
        .set(as(DEV_A));
      expect(res.status).toBe(404);
      expect(res.body.error.message).toBe('No key nope');
    }
    const tierChange = await request(bed.server)
      .post('/api/maas/keys/nope/tier-change')
      .set(as(DEV_A))
      .send({ tier: 'premium' });
    expect(tierChange.status).toBe(400);
    expect(tierChange.body.error.message).toBe(
      'Invalid request body: reason: Required',
    );

    expect(
      (await request(bed.server).get('/api/maas/keys').set(as(DEV_A))).body,
    ).toEqual([]);

    const denied = await request(bed.server)
      .get('/api/maas/audit')
      .set(as(DEV_A));
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toBe(
      'You lack the maas.audit.read permission',
    );
    const badLimit = await request(bed.server)
      .get('/api/maas/audit?limit=0')
      .set(as(ADMIN));
    expect(badLimit.status).toBe(400);
    const audit = await request(bed.server)
      .get(`/api/maas/audit?entityRef=${QWEN}&limit=5`)
      .set(as(ADMIN));
    expect(audit.status).toBe(200);
    expect(audit.body).toHaveLength(5);
    expect(audit.body[0]).toMatchObject({
      action: 'request.approved',
      actor: ADMIN,
      fromState: 'pending',
      toState: 'approved',
      entityRef: QWEN,
    });
  });

  it('never lets 20 parallel requests exceed the cap', async () => {
    // Carol, a developer with nothing open yet; the cap is 3.
    const CAROL = 'user:default/carol';
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        bed.newRequest(CAROL, {
          entityRef: QWEN,
          tier: 'premium',
          reason: `n${i}`,
        }),
      ),
    );
    const statuses = answers.map(a => a.status);
    expect(statuses.filter(s => s === 201)).toHaveLength(3);
    expect(statuses.filter(s => s === 409)).toHaveLength(17);
    const mine = await request(bed.server)
      .get(`/api/maas/keys/requests?mine=true&entityRef=${QWEN}&state=pending`)
      .set(as(CAROL));
    expect(mine.body).toHaveLength(3);
  });
});
