/*
 * The portal's MCP tools as an AI agent meets them: the maas plugin's actions served by the real
 * @backstage/plugin-mcp-actions-backend, over its Streamable HTTP endpoint, with the SDK's MCP client
 * and three users (a developer of team A, one of team B, an admin), on a model under real traffic
 * through the harness gateway: its tiers and the quota left compared with Limitador's counters, key
 * requests as the REST routes see them, who may decide, and that no answer ever holds a key's value.
 */
import {
  actionsRegistryServiceFactory,
  actionsServiceFactory,
} from '@backstage/backend-defaults/alpha';
import {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import {
  eventually,
  harnessEnv,
  limitadorCounters,
} from '@maas-portal/harness/testing';
import request from 'supertest';
import {
  CallTally,
  LIVE_TIERS,
  LiveModel,
  startLiveModel,
} from '../__testUtils__/liveTraffic';
import {
  mcpClientAs,
  mcpClientWith,
  McpTestClient,
} from '../__testUtils__/mcpClient';
import {
  ADMIN,
  ADMIN_GROUP,
  as,
  DEV_A,
  DEV_B,
  examplePolicy,
  ownershipOf,
  TEAM_A,
  usersInfo,
} from '../__testUtils__/testUsers';

jest.setTimeout(240_000);

/** The tools of the maas plugin, as the MCP server names them (`<plugin>.<action>`). */
const MAAS_TOOLS = [
  'maas.list-models',
  'maas.request-key',
  'maas.list-my-requests',
  'maas.list-requests-to-decide',
  'maas.decide-request',
];
const APP = 'http://portal.test';

/**
 * The example policy, with the model kept to its team: reading it and asking for its keys take
 * team A or an admin, so that a developer of team B is refused what the REST routes refuse them.
 */
const teamModelPolicy = (entityRef: string) => {
  const example = examplePolicy({ [entityRef]: TEAM_A });
  return mockServices.permissions.mock({
    authorize: async (requests, options) => {
      const decisions = await example(requests, options);
      const user = (
        options?.credentials as BackstageCredentials<BackstageUserPrincipal>
      ).principal.userEntityRef;
      const ownership = ownershipOf(user);
      const inTeam =
        ownership.includes(TEAM_A) || ownership.includes(ADMIN_GROUP);
      return decisions.map((decision, i) => {
        const asked = requests[i] as {
          permission: { name: string };
          resourceRef?: string;
        };
        const teamOnly =
          asked.resourceRef === entityRef &&
          ['maas.model.read', 'maas.key.request'].includes(
            asked.permission.name,
          );
        return teamOnly && !inTeam
          ? { result: AuthorizeResult.DENY }
          : decision;
      });
    },
  });
};

describe('MCP actions over the MCP endpoint, three users, a model under real traffic', () => {
  const NAME = 'mcpsim';
  const ENTITY = `component:default/${NAME}`;
  let model: LiveModel;
  let tally: CallTally;
  let jane: McpTestClient;
  let bob: McpTestClient;
  let ops: McpTestClient;
  /** Key values, read once through the REST route; kept in memory only, never logged. */
  const values: string[] = [];
  const keyIds: string[] = [];
  let pendingId: string;

  const rest = (user: string, path: string) =>
    request(model.server).get(`/api/maas${path}`).set(as(user));
  const restPost = (user: string, path: string, body: object = {}) =>
    request(model.server).post(`/api/maas${path}`).set(as(user)).send(body);
  /** The one model of `list-models` that is the model under test, if the caller sees it. */
  const listed = async (client: McpTestClient) => {
    const answer = await client.call('maas.list-models');
    expect(answer.isError).toBe(false);
    return {
      answer,
      model: (answer.output.models as any[]).find(m => m.entityRef === ENTITY),
    };
  };

  beforeAll(async () => {
    harnessEnv('MAAS_HARNESS_GATEWAY_URL');
    model = await startLiveModel({
      prefix: 'mcp',
      name: NAME,
      features: [
        teamModelPolicy(ENTITY).factory,
        usersInfo().factory,
        // What a backend made with createBackend() has: the real actions services, and the MCP server.
        actionsRegistryServiceFactory,
        actionsServiceFactory,
        mcpActionsPlugin,
      ],
      config: {
        app: { baseUrl: APP },
        backend: { actions: { pluginSources: ['maas'] } },
      },
    });
    tally = new CallTally(model);
    jane = await mcpClientAs(model.server, DEV_A);
    bob = await mcpClientAs(model.server, DEV_B);
    ops = await mcpClientAs(model.server, ADMIN);
  }, 240_000);

  afterAll(async () => {
    // The keys' Secrets are in the Kuadrant namespace, not the test's: revoking deletes them.
    for (const id of keyIds) await restPost(DEV_A, `/keys/${id}/revoke`);
    for (const client of [jane, bob, ops]) await client?.close();
    await model?.stop();
  });

  it('offers the maas tools to each of the three users, with their input schemas', async () => {
    for (const client of [jane, bob, ops]) {
      expect(await client.toolNames()).toEqual(
        expect.arrayContaining(MAAS_TOOLS),
      );
    }
    const tools = JSON.parse(jane.transcript[0]) as Array<{
      name: string;
      inputSchema: { required?: string[] };
    }>;
    expect(
      tools.find(t => t.name === 'maas.request-key')?.inputSchema.required,
    ).toEqual(expect.arrayContaining(['entityRef', 'tier', 'reason']));
  });

  it("list-models: team A's developer and the admin see the model with its endpoint and its tiers' live limits; team B's developer does not", async () => {
    const { model: seen } = await listed(jane);
    expect(seen).toMatchObject({
      inferenceService: `${model.ns}/${NAME}`,
      mayRequestKey: true,
      // No key yet: no tier to count in.
      quota: { tiers: [] },
    });
    expect(seen.url).toContain(model.host);
    expect(seen.tiers).toEqual(
      expect.arrayContaining([
        {
          name: 'free',
          approval: 'auto',
          requests: [{ limit: LIVE_TIERS.free, window: '2m' }],
          tokens: [],
        },
        {
          name: 'premium',
          approval: 'manual',
          requests: [{ limit: LIVE_TIERS.premium, window: '2m' }],
          tokens: [],
        },
      ]),
    );

    const asBob = await listed(bob);
    expect(asBob.model).toBeUndefined();
    expect(asBob.answer.output.notReadable).toContain(ENTITY);

    const asOps = await listed(ops);
    expect(asOps.model).toMatchObject({
      entityRef: ENTITY,
      mayRequestKey: true,
    });
  });

  it('request-key in an automatic tier: the key is issued, its value is not in the answer but shown once on My API keys; the quota left is what Limitador counts after real calls', async () => {
    const asked = await jane.call('maas.request-key', {
      entityRef: ENTITY,
      tier: 'free',
      reason: 'an agent tries the model',
      name: 'agent',
    });
    expect(asked.isError).toBe(false);
    const { request: made, keyIssued, message, myKeysUrl } = asked.output;
    expect(made).toMatchObject({ state: 'issued', tier: 'free' });
    expect(keyIssued).toBe(true);
    expect(myKeysUrl).toBe(`${APP}/maas/keys`);
    expect(message).toContain('never returned by an action');
    expect(message).toContain(myKeysUrl);
    keyIds.push(made.keyId);

    // The key was left unrevealed: its owner sees the value once, on My API keys (the reveal route).
    const mine = await rest(DEV_A, '/keys?mine=true');
    expect(
      mine.body.find((k: { id: string }) => k.id === made.keyId),
    ).toMatchObject({ revealed: false, tier: 'free' });
    const revealed = await restPost(DEV_A, `/keys/${made.keyId}/reveal`);
    expect(revealed.status).toBe(200);
    values.push(revealed.body.value);

    // Real calls with it through the gateway (401 until Authorino has the Secret, never counted).
    await eventually(
      async () => expect(await tally.call(values[0])).toBe(200),
      20_000,
    );
    expect(await tally.call(values[0])).toBe(200);
    const counters = (await limitadorCounters(model.limitadorNamespace)).filter(
      c => Object.values(c.set_variables).includes('jane'),
    );
    expect(counters).toHaveLength(1);
    expect(counters[0].remaining).toBe(LIVE_TIERS.free - tally.authorized);

    const { model: seen } = await listed(jane);
    expect(seen.quota).toMatchObject({
      source: 'limitador',
      tiers: [
        {
          tier: 'free',
          requests: {
            limitName: 'free-user-requests',
            limit: LIVE_TIERS.free,
            window: '2m',
            remaining: counters[0].remaining,
          },
          tokens: null,
        },
      ],
    });
  });

  it('request-key in a manual tier: a pending request, the same one the REST route lists; team B’s developer may not ask', async () => {
    const asked = await jane.call('maas.request-key', {
      entityRef: ENTITY,
      tier: 'premium',
      reason: 'more calls for the agent',
    });
    expect(asked.isError).toBe(false);
    expect(asked.output).toMatchObject({
      keyIssued: false,
      request: { state: 'pending', tier: 'premium', userEntityRef: DEV_A },
    });
    expect(asked.output.message).toContain('an approver');
    pendingId = asked.output.request.id;

    const viaRest = await rest(DEV_A, '/keys/requests?mine=true');
    expect(viaRest.status).toBe(200);
    expect(
      viaRest.body.find((r: { id: string }) => r.id === pendingId),
    ).toMatchObject({ state: 'pending', tier: 'premium' });

    const mine = await jane.call('maas.list-my-requests');
    expect(
      (mine.output.requests as any[]).map(r => [r.tier, r.state, r.canDecide]),
    ).toEqual([
      ['premium', 'pending', false],
      ['free', 'issued', false],
    ]);

    const refused = await bob.call('maas.request-key', {
      entityRef: ENTITY,
      tier: 'free',
      reason: 'not my team',
    });
    expect(refused.isError).toBe(true);
    expect(refused.text).toBe(
      `NotAllowedError: You lack the maas.key.request permission on ${ENTITY}`,
    );
    expect((await bob.call('maas.list-my-requests')).output.requests).toEqual(
      [],
    );
  });

  it('decide-request: the requester and team B’s developer are refused with the reason; the admin approves, and the key waits on My API keys', async () => {
    const own = await jane.call('maas.decide-request', {
      requestIds: [pendingId],
      decision: 'approve',
    });
    expect(own.output.results).toEqual([
      {
        id: pendingId,
        ok: false,
        error: expect.stringContaining('is your own; another approver'),
      },
    ]);
    expect(own.output.summary).toMatch(/^0 of 1 key request approved/);

    expect(
      (await bob.call('maas.list-requests-to-decide')).output.requests,
    ).toEqual([]);
    const asBob = await bob.call('maas.decide-request', {
      requestIds: [pendingId],
      decision: 'approve',
    });
    expect(asBob.output.results[0]).toEqual({
      id: pendingId,
      ok: false,
      error: `You lack the maas.key.approve permission on ${ENTITY}`,
    });

    const toDecide = await ops.call('maas.list-requests-to-decide');
    expect(
      (toDecide.output.requests as any[]).find(r => r.id === pendingId),
    ).toMatchObject({ state: 'pending', canDecide: true });
    const approved = await ops.call('maas.decide-request', {
      requestIds: [pendingId],
      decision: 'approve',
      comment: 'ok for the agent',
    });
    expect(approved.output.results).toEqual([
      expect.objectContaining({
        id: pendingId,
        ok: true,
        request: expect.objectContaining({
          state: 'issued',
          decidedBy: ADMIN,
        }),
      }),
    ]);
    const keyId = approved.output.results[0].request.keyId;
    keyIds.push(keyId);
    const revealed = await restPost(DEV_A, `/keys/${keyId}/reveal`);
    expect(revealed.status).toBe(200);
    values.push(revealed.body.value);
  });

  it('decide-request: a rejection needs a comment, which the requester then reads', async () => {
    const asked = await jane.call('maas.request-key', {
      entityRef: ENTITY,
      tier: 'premium',
      reason: 'a second agent',
    });
    expect(asked.text).toContain('"state":"pending"');
    const id = asked.output.request.id;
    const bare = await ops.call('maas.decide-request', {
      requestIds: [id],
      decision: 'reject',
    });
    expect(bare.output.results[0]).toMatchObject({
      ok: false,
      error: expect.stringContaining('A rejection needs a comment'),
    });
    const rejected = await ops.call('maas.decide-request', {
      requestIds: [id],
      decision: 'reject',
      comment: 'one premium key is enough',
    });
    expect(rejected.output.results[0].ok).toBe(true);
    const mine = await jane.call('maas.list-my-requests', {
      state: 'rejected',
    });
    expect(mine.output.requests).toEqual([
      expect.objectContaining({
        id,
        state: 'rejected',
        decisionComment: 'one premium key is enough',
      }),
    ]);
  });

  it('refuses the key tools to a service (a static token, not a person), saying why', async () => {
    const service = await mcpClientWith(
      model.server,
      mockCredentials.service.header(),
    );
    try {
      for (const [tool, args] of [
        [
          'maas.request-key',
          { entityRef: ENTITY, tier: 'free', reason: 'a service' },
        ],
        ['maas.list-my-requests', {}],
        [
          'maas.decide-request',
          { requestIds: [pendingId], decision: 'approve' },
        ],
      ] as const) {
        const answer = await service.call(tool, args);
        expect(answer.isError).toBe(true);
        expect(answer.text).toBe(
          'NotAllowedError: Keys and key requests belong to people: call this action with a signed-in user’s Backstage token, not as a service',
        );
      }
    } finally {
      await service.close();
    }
  });

  it('never answers anyone with a key value over MCP', () => {
    // Their count, not them: a failing matcher would print the values.
    expect(values.length).toBe(2);
    const everything = [jane, bob, ops]
      .flatMap(client => client.transcript)
      .join('\n');
    expect(everything.length).toBeGreaterThan(1000);
    for (const value of values) expect(everything.includes(value)).toBe(false);
    // Nor any key of the default prefix (maas.keys.prefix), whoever's it is.
    expect(/maas_[A-Za-z0-9_-]{8,}/.test(everything)).toBe(false);
  });
});
