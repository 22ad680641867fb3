/*
 * Who may call what, over real HTTP, with three signed-in users: the portal's permission policy
 * (the real permission backend with maasPermissionPolicyModule), the real catalog backend
 * deciding ownership conditions, the real Kubernetes backend and the MaaS plugin on the
 * harness's cluster. Only sign-in is Backstage's test auth (mockCredentials) and group
 * membership a fixed table (what the catalog's sign-in resolver would put in the token).
 */
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { openApiRoutes } from '@maas-portal/harness/testing';
import {
  CreateKeyRequestResponse,
  DecisionResult,
} from '@maas-portal/plugin-maas-common';
import request from 'supertest';
import {
  ADMIN,
  authorizationOf,
  DEV_A,
  DEV_B,
  MODEL_A,
  MODEL_C,
  usePortalWithModels,
  User,
  USERS,
} from './__testUtils__/portalTestBackend';

/** One call of a route by one user: the status, and what else the cell asserts. */
type Probe = (as: User) => Promise<string | number>;

describe('permission matrix over real HTTP', () => {
  const portal = usePortalWithModels('matrix');

  const header = authorizationOf;
  const get = (path: string, user: User) =>
    request(portal.server)
      .get(`/api/maas${path}`)
      .set('Authorization', header(user));
  const post = (path: string, user: User, body: object = {}) =>
    request(portal.server)
      .post(`/api/maas${path}`)
      .set('Authorization', header(user))
      .send(body);

  /** A key request for model A: a free key issued at once, or a pending premium one. */
  async function requestOf(user: User, tier: 'free' | 'premium') {
    const res = await post('/keys/requests', user, {
      entityRef: MODEL_A,
      tier,
      reason: 'matrix',
    });
    expect(res.status).toBe(201);
    return res.body as CreateKeyRequestResponse;
  }
  const freeKeyOf = async (user: User) =>
    (await requestOf(user, 'free')).issued!.key.id;
  /** A premium key of `user`, approved by someone else with the right, and not yet shown. */
  async function approvedKeyOf(user: User) {
    const { request: pending } = await requestOf(user, 'premium');
    const decided = await post(
      '/keys/requests/decisions',
      user === ADMIN ? DEV_A : ADMIN,
      { ids: [pending.id], decision: 'approve' },
    );
    expect(decided.body[0]).toMatchObject({ ok: true });
    return (decided.body[0] as DecisionResult).request!.keyId!;
  }
  /** The status, and for a 403 its reason, with the subject's id (a key's, a request's) as <id>. */
  const outcome = (res: request.Response, id?: string): string | number => {
    if (res.status !== 403) return res.status;
    const reason: string = res.body.error?.message ?? JSON.stringify(res.body);
    return `403 ${id ? reason.split(id).join('<id>') : reason}`;
  };
  /** `<status> ok` or `<status> refused: <reason>` of a decision: one result per request. */
  const decisionOf = (res: request.Response, id: string) =>
    res.status === 200
      ? `200 ${
          res.body[0].ok
            ? 'ok'
            : `refused: ${String(res.body[0].error).split(id).join('<id>')}`
        }`
      : outcome(res, id);
  /** `<status> <whose>`: which of the two developers' items on model A a list shows. */
  const whose = (res: request.Response) => {
    if (res.status !== 200) return res.status;
    const owners = new Set(
      (res.body as Array<{ userEntityRef: string }>).map(i => i.userEntityRef),
    );
    const shown = [DEV_A, DEV_B].filter(u => owners.has(u));
    return `200 ${
      shown.map(u => (u === DEV_A ? 'A' : 'B')).join('+') || 'none'
    }`;
  };
  /**
   * Whose item a user acts on in the key rows: another user's (developer A and the admin act on
   * developer B's, developer B on developer A's), then their own. So every key action is tried
   * by a user without rights on someone else's key (developer B), by the model's owner
   * (developer A) and an admin on someone else's, and by each on their own.
   */
  const otherThan = (user: User): User => (user === DEV_B ? DEV_A : DEV_B);
  const othersThenOwn =
    (act: (as: User, owner: User) => Promise<string | number>): Probe =>
    async as =>
      `${await act(as, otherThan(as))} | own ${await act(as, as)}`;

  /** The reasons of the 403s, as the backend words them. */
  const lacks = (permission: string, on?: string) =>
    `403 You lack the ${permission} permission${on ? ` on ${on}` : ''}`;
  const onlyOwner = (owner: User, verb: string) =>
    `403 Only ${owner}, its owner, can ${verb} key <id>`;
  const OUTSIDE_KEYS =
    '403 Seeing keys made outside the portal takes membership of one of maas.adminGroups';
  /** The catalog's entity list is for the MaaS catalog module (a service), never for a user. */
  const SERVICES_ONLY = "403 This endpoint does not allow 'user' credentials";
  const NO_COSTS =
    '403 Costs are shown to admins (the maas.costs.read permission) and to team leads, who see the groups whose maas.kuadrant.io/team-leads annotation names them; you are neither. Ask your platform team or your team lead for the figures.';
  const OWN_REQUEST =
    'refused: Key request <id> is your own; another approver must decide it (four eyes; maas.approvals.allowSelfApproval turns this off)';

  /**
   * THE matrix: every route of /api/maas (openapi.yaml) x developer A (team-a, owns model A),
   * developer B (team-b, owns nothing) and an admin (platform-team, maas.adminGroups). A cell is
   * the status, and for every 403 its reason. The subject of each key and request route is
   * someone else's item on model A, then the user's own (`othersThenOwn`); lists show both
   * developers' items. Every cell gets fresh ones.
   */
  const MATRIX: Record<
    string,
    [Probe, string | number, string | number, string | number]
  > = {
    //                                                                                     dev A       dev B       admin
    'GET /status': [
      as => get('/status', as).then(r => outcome(r)),
      200,
      200,
      200,
    ],
    // Users only; it grants nothing, it says whether the Approvals and Costs pages serve them.
    'GET /access': [
      as => get('/access', as).then(r => outcome(r)),
      200,
      200,
      200,
    ],
    // Each one's maas.model.read on the model servers (everyone reads A and C); maas.model.list
    // (admins) adds the InferenceServices no entity names.
    'GET /models': [
      as =>
        get('/models', as).then(r =>
          r.status === 200
            ? `200 ${
                r.body.everyInferenceService
                  ? 'every InferenceService'
                  : 'entities'
              }, ${r.body.notReadable.length} not readable`
            : outcome(r),
        ),
      '200 entities, 0 not readable',
      '200 entities, 0 not readable',
      '200 every InferenceService, 0 not readable',
    ],
    'GET /models/by-entity': [
      as =>
        get(`/models/by-entity?entityRef=${MODEL_A}`, as).then(r => outcome(r)),
      200,
      200,
      200,
    ],
    'GET /models/by-entity/binding': [
      as =>
        get(`/models/by-entity/binding?entityRef=${MODEL_A}`, as).then(r =>
          outcome(r),
        ),
      200,
      200,
      200,
    ],
    'POST /models/by-entity/adopt': [
      as =>
        post(`/models/by-entity/adopt?entityRef=${MODEL_C}`, as).then(r =>
          outcome(r),
        ),
      '403 Adopting a model takes membership of one of maas.adminGroups',
      '403 Adopting a model takes membership of one of maas.adminGroups',
      201,
    ],
    // maas.model.read on the model, as every route about one model: everyone reads model A. Past
    // the check, the portal calls the route's host, which resolves nowhere in this test (no
    // maas.gateway.url): a 503 naming the address, never a 403. The gateway's own answers are
    // playground.cluster.test.ts's.
    'POST /models/by-entity/playground': [
      as =>
        post(`/models/by-entity/playground?entityRef=${MODEL_A}`, as, {
          messages: [{ role: 'user', content: 'Hello' }],
          credential: 'not-a-key',
        }).then(r => outcome(r)),
      503,
      503,
      503,
    ],
    'GET /models/by-entity/outside-keys': [
      as =>
        get(`/models/by-entity/outside-keys?entityRef=${MODEL_A}`, as).then(r =>
          outcome(r),
        ),
      OUTSIDE_KEYS,
      OUTSIDE_KEYS,
      200,
    ],
    // No Secret of that name: the admin passes the check and learns there is none to revoke.
    'POST /models/by-entity/outside-keys/{name}/revoke': [
      as =>
        post(
          `/models/by-entity/outside-keys/no-such-key/revoke?entityRef=${MODEL_A}`,
          as,
        ).then(r => outcome(r)),
      OUTSIDE_KEYS,
      OUTSIDE_KEYS,
      404,
    ],
    'GET /models/by-entity/tiers': [
      as =>
        get(`/models/by-entity/tiers?entityRef=${MODEL_A}`, as).then(r =>
          outcome(r),
        ),
      200,
      200,
      200,
    ],
    'GET /models/by-entity/usage': [
      as =>
        get(
          `/models/by-entity/usage?entityRef=${MODEL_A}&scope=all&range=1h`,
          as,
        ).then(r => outcome(r)),
      200,
      lacks('maas.usage.read-all', MODEL_A),
      200,
    ],
    'GET /models/by-entity/quota': [
      as =>
        get(`/models/by-entity/quota?entityRef=${MODEL_A}`, as).then(r =>
          r.status === 200 ? `200 ${r.body.userId}` : outcome(r),
        ),
      '200 dev-a',
      '200 dev-b',
      '200 ops',
    ],
    'GET /models/by-entity/refusals': [
      as =>
        get(
          `/models/by-entity/refusals?entityRef=${MODEL_A}&scope=all&range=1h`,
          as,
        ).then(r => outcome(r)),
      200,
      lacks('maas.usage.read-all', MODEL_A),
      200,
    ],
    'GET /models/by-entity/token-check': [
      as =>
        get(`/models/by-entity/token-check?entityRef=${MODEL_A}`, as).then(r =>
          outcome(r),
        ),
      200,
      lacks('maas.usage.read-all', MODEL_A),
      200,
    ],
    'GET /catalog/entities': [
      as => get('/catalog/entities', as).then(r => outcome(r)),
      SERVICES_ONLY,
      SERVICES_ONLY,
      SERVICES_ONLY,
    ],
    'POST /keys/requests': [
      as =>
        post('/keys/requests', as, {
          entityRef: MODEL_A,
          tier: 'free',
          reason: 'matrix',
        }).then(r => outcome(r)),
      201,
      201,
      201,
    ],
    'GET /keys/requests': [
      async as => {
        await requestOf(DEV_A, 'premium');
        await requestOf(DEV_B, 'premium');
        return whose(await get(`/keys/requests?entityRef=${MODEL_A}`, as));
      },
      '200 A+B',
      '200 B',
      '200 A+B',
    ],
    // Developer B is refused by the permission, not only by the four-eyes rule: a policy that let
    // everyone approve turns their cell to "200 ok".
    'POST /keys/requests/decisions': [
      othersThenOwn(async (as, owner) => {
        const { request: r } = await requestOf(owner, 'premium');
        return decisionOf(
          await post('/keys/requests/decisions', as, {
            ids: [r.id],
            decision: 'approve',
          }),
          r.id,
        );
      }),
      `200 ok | own 200 ${OWN_REQUEST}`,
      `200 refused: You lack the maas.key.approve permission on ${MODEL_A} | own 200 ${OWN_REQUEST}`,
      `200 ok | own 200 ${OWN_REQUEST}`,
    ],
    'POST /keys/requests/{id}/cancel': [
      othersThenOwn(async (as, owner) => {
        const { request: r } = await requestOf(owner, 'premium');
        return outcome(await post(`/keys/requests/${r.id}/cancel`, as), r.id);
      }),
      `403 Only ${DEV_B} can cancel key request <id> | own 200`,
      `403 Only ${DEV_A} can cancel key request <id> | own 200`,
      `403 Only ${DEV_B} can cancel key request <id> | own 200`,
    ],
    'GET /keys': [
      async as => {
        await requestOf(DEV_A, 'free');
        await requestOf(DEV_B, 'free');
        return whose(await get(`/keys?entityRef=${MODEL_A}`, as));
      },
      '200 A+B',
      '200 B',
      '200 A+B',
    ],
    'POST /keys/{id}/reveal': [
      othersThenOwn(async (as, owner) => {
        const id = await approvedKeyOf(owner);
        return outcome(await post(`/keys/${id}/reveal`, as), id);
      }),
      `${onlyOwner(DEV_B, 'see')} | own 200`,
      `${onlyOwner(DEV_A, 'see')} | own 200`,
      `${onlyOwner(DEV_B, 'see')} | own 200`,
    ],
    // The model's owner and the admin hold maas.key.revoke on model A; developer B does not.
    'POST /keys/{id}/revoke': [
      othersThenOwn(async (as, owner) => {
        const id = await freeKeyOf(owner);
        return outcome(await post(`/keys/${id}/revoke`, as), id);
      }),
      '200 | own 200',
      `403 Key <id> belongs to ${DEV_A}; revoking it takes the maas.key.revoke permission on ${MODEL_A} | own 200`,
      '200 | own 200',
    ],
    'POST /keys/{id}/rotate': [
      othersThenOwn(async (as, owner) => {
        const id = await freeKeyOf(owner);
        return outcome(await post(`/keys/${id}/rotate`, as), id);
      }),
      `${onlyOwner(DEV_B, 'rotate')} | own 201`,
      `${onlyOwner(DEV_A, 'rotate')} | own 201`,
      `${onlyOwner(DEV_B, 'rotate')} | own 201`,
    ],
    'POST /keys/{id}/name': [
      othersThenOwn(async (as, owner) => {
        const id = await freeKeyOf(owner);
        return outcome(
          await post(`/keys/${id}/name`, as, { name: 'matrix key' }),
          id,
        );
      }),
      `${onlyOwner(DEV_B, 'rename')} | own 200`,
      `${onlyOwner(DEV_A, 'rename')} | own 200`,
      `${onlyOwner(DEV_B, 'rename')} | own 200`,
    ],
    'POST /keys/{id}/tier-change': [
      othersThenOwn(async (as, owner) => {
        const id = await freeKeyOf(owner);
        return outcome(
          await post(`/keys/${id}/tier-change`, as, {
            tier: 'premium',
            reason: 'matrix',
          }),
          id,
        );
      }),
      `${onlyOwner(DEV_B, 'change the tier of')} | own 201`,
      `${onlyOwner(DEV_A, 'change the tier of')} | own 201`,
      `${onlyOwner(DEV_B, 'change the tier of')} | own 201`,
    ],
    'GET /audit': [
      as => get('/audit', as).then(r => outcome(r)),
      lacks('maas.audit.read'),
      lacks('maas.audit.read'),
      200,
    ],
    // Neither developer leads a group (no maas.kuadrant.io/team-leads annotation names them).
    'GET /costs': [
      as => get('/costs', as).then(r => outcome(r)),
      NO_COSTS,
      NO_COSTS,
      200,
    ],
    // Budgets are a view of the month's Costs report: the same people see them.
    'GET /costs/budgets': [
      as => get('/costs/budgets', as).then(r => outcome(r)),
      NO_COSTS,
      NO_COSTS,
      200,
    ],
    'GET /costs/export': [
      as =>
        get('/costs/export?table=groups', as).then(r =>
          r.status === 200 ? `200 ${r.type}` : outcome(r),
        ),
      NO_COSTS,
      NO_COSTS,
      '200 text/csv',
    ],
  };

  it('answers every route of /api/maas to each user as the table says, and the table has every route', async () => {
    const routes = openApiRoutes(
      resolvePackagePath(
        '@maas-portal/plugin-maas-backend',
        'src/schema/openapi.yaml',
      ),
    );
    expect(Object.keys(MATRIX).sort()).toEqual(routes);

    const actual: Record<string, Array<string | number>> = {};
    const expected: Record<string, Array<string | number>> = {};
    for (const [route, [probe, ...cells]] of Object.entries(MATRIX)) {
      expected[route] = cells;
      actual[route] = [];
      for (const user of USERS) actual[route].push(await probe(user));
    }
    expect(actual).toEqual(expected);
  }, 120_000);
});
