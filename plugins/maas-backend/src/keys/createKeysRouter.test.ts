import {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { MAAS_INFERENCE_SERVICE_ANNOTATION } from '@maas-portal/plugin-maas-common';
import request from 'supertest';
import { maasPlugin } from '../plugin';

const JANE = 'user:default/jane';
const BOB = 'user:default/bob';
const BOSS = 'user:default/boss';
const QWEN = 'component:default/qwen3';

/** The boss may do everything; others may request keys and read models, nothing more. */
const permissions = mockServices.permissions.mock({
  authorize: async (requests, options) => {
    const principal = (
      options?.credentials as BackstageCredentials<BackstageUserPrincipal>
    ).principal;
    return requests.map(r => ({
      result:
        principal.userEntityRef === BOSS ||
        ['maas.key.request', 'maas.model.read'].includes(r.permission.name)
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
    }));
  },
});

const entities = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'qwen3',
      namespace: 'default',
      annotations: { [MAAS_INFERENCE_SERVICE_ANNOTATION]: 'llm/qwen3' },
    },
    spec: {
      type: 'model-server',
      owner: 'group:default/ml',
      lifecycle: 'production',
    },
  },
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

describe('keys router', () => {
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];

  beforeAll(async () => {
    // No cluster: requests and decisions are recorded, keys cannot be issued.
    process.env.KUBECONFIG = '/nonexistent/kubeconfig';
    ({ server } = await startTestBackend({
      features: [
        maasPlugin,
        permissions.factory,
        catalogServiceMock.factory({ entities }),
        mockServices.rootConfig.factory({
          data: { maas: { keys: { reasonMaxLength: 20 } } },
        }),
      ],
    }));
  });

  afterAll(() => {
    delete process.env.KUBECONFIG;
  });

  const as = (user: string) => ({
    Authorization: mockCredentials.user.header(user),
  });
  const newRequest = (user: string, body: object) =>
    request(server).post('/api/maas/keys/requests').set(as(user)).send(body);
  const decide = (user: string, body: object) =>
    request(server)
      .post('/api/maas/keys/requests/decisions')
      .set(as(user))
      .send(body);

  it('needs a signed-in user', async () => {
    const res = await request(server)
      .get('/api/maas/keys')
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
    const service = await request(server)
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
      [
        { entityRef: QWEN, tier: 'free', reason: 'auto' },
        503,
        expect.stringMatching(
          /No cluster is connected to the portal, so keys cannot be issued/,
        ),
      ],
    ];
    for (const [body, status, message] of cases) {
      const res = await newRequest(JANE, body);
      expect({ body, status: res.status }).toEqual({ body, status });
      expect(res.body.error.message).toEqual(message);
    }
    const mine = await request(server)
      .get('/api/maas/keys/requests?mine=true')
      .set(as(JANE));
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
        catalogServiceMock.factory({ entities }),
      ],
    });
    const res = await request(denied)
      .post('/api/maas/keys/requests')
      .set(as(JANE))
      .send({ entityRef: QWEN, tier: 'premium', reason: 'x' });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe(
      'You lack the maas.key.request permission on component:default/qwen3',
    );
  });

  it('records a manual request, shows it to its owner and to approvers only, and takes decisions per item', async () => {
    const created = await newRequest(JANE, {
      entityRef: QWEN,
      tier: 'premium',
      reason: 'evaluation',
    });
    expect(created.status).toBe(201);
    expect(created.body.request).toMatchObject({
      state: 'pending',
      tier: 'premium',
      userEntityRef: JANE,
      model: 'llm/qwen3',
      entityRef: QWEN,
    });
    expect(created.body.issued).toBeUndefined();
    const id = created.body.request.id;

    // Each listed request says whether the caller may decide it: the owner may not, an approver may.
    expect(
      (
        await request(server).get('/api/maas/keys/requests').set(as(JANE))
      ).body.map((r: { id: string; canDecide: boolean }) => [
        r.id,
        r.canDecide,
      ]),
    ).toEqual([[id, false]]);
    expect(
      (await request(server).get('/api/maas/keys/requests').set(as(BOB))).body,
    ).toEqual([]);
    expect(
      (
        await request(server)
          .get(`/api/maas/keys/requests?entityRef=${QWEN}&state=pending`)
          .set(as(BOSS))
      ).body.map((r: { id: string; canDecide: boolean }) => [
        r.id,
        r.canDecide,
      ]),
    ).toEqual([[id, true]]);
    const badState = await request(server)
      .get('/api/maas/keys/requests?state=done')
      .set(as(BOSS));
    expect(badState.status).toBe(400);
    expect(badState.body.error.message).toBe(
      'state must be one of pending, approved, issued, rejected, cancelled',
    );

    const cancel = await request(server)
      .post(`/api/maas/keys/requests/${id}/cancel`)
      .set(as(BOB));
    expect(cancel.status).toBe(403);
    expect(cancel.body.error.message).toBe(
      `Only ${JANE} can cancel key request ${id}`,
    );

    const byBob = await decide(BOB, { ids: [id], decision: 'approve' });
    expect(byBob.status).toBe(200);
    expect(byBob.body).toEqual([
      {
        id,
        ok: false,
        error:
          'You lack the maas.key.approve permission on component:default/qwen3',
      },
    ]);

    const other = (
      await newRequest(JANE, {
        entityRef: QWEN,
        tier: 'enterprise',
        reason: 'batch',
      })
    ).body.request.id;
    const decided = await decide(BOSS, {
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
          decidedBy: BOSS,
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
    const again = await decide(BOSS, { ids: [id], decision: 'approve' });
    expect(again.body).toEqual([
      {
        id,
        ok: false,
        error: `Key request ${id} is already decided: rejected`,
      },
    ]);

    const badDecision = await decide(BOSS, { ids: [], decision: 'maybe' });
    expect(badDecision.status).toBe(400);
    expect(badDecision.body.error.message).toMatch(
      /^Invalid request body: ids: Array must contain at least 1 element\(s\); decision: Invalid enum value/,
    );
  });

  it('keeps an approval that cannot issue yet, with a warning', async () => {
    const id = (
      await newRequest(BOB, {
        entityRef: QWEN,
        tier: 'premium',
        reason: 'later',
      })
    ).body.request.id;
    const res = await decide(BOSS, { ids: [id], decision: 'approve' });
    expect(res.body).toEqual([
      {
        id,
        ok: true,
        request: expect.objectContaining({
          state: 'approved',
          decidedBy: BOSS,
        }),
        warning: expect.stringMatching(
          /^Approved, but the key is not out yet \(No cluster is connected/,
        ),
      },
    ]);
  });

  it('answers 404 for unknown keys, and audits for holders of maas.audit.read only', async () => {
    for (const action of ['reveal', 'revoke', 'rotate']) {
      const res = await request(server)
        .post(`/api/maas/keys/nope/${action}`)
        .set(as(JANE));
      expect(res.status).toBe(404);
      expect(res.body.error.message).toBe('No key nope');
    }
    const tierChange = await request(server)
      .post('/api/maas/keys/nope/tier-change')
      .set(as(JANE))
      .send({ tier: 'premium' });
    expect(tierChange.status).toBe(400);
    expect(tierChange.body.error.message).toBe(
      'Invalid request body: reason: Required',
    );

    expect(
      (await request(server).get('/api/maas/keys').set(as(JANE))).body,
    ).toEqual([]);

    const denied = await request(server).get('/api/maas/audit').set(as(JANE));
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toBe(
      'You lack the maas.audit.read permission',
    );
    const badLimit = await request(server)
      .get('/api/maas/audit?limit=0')
      .set(as(BOSS));
    expect(badLimit.status).toBe(400);
    const audit = await request(server)
      .get(`/api/maas/audit?entityRef=${QWEN}&limit=5`)
      .set(as(BOSS));
    expect(audit.status).toBe(200);
    expect(audit.body).toHaveLength(5);
    expect(audit.body[0]).toMatchObject({
      action: 'request.approved',
      actor: BOSS,
      fromState: 'pending',
      toState: 'approved',
      entityRef: QWEN,
    });
  });
});
