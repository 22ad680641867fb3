/*
 * The portal's MCP server as the repository's config files set it up (backend.actions and
 * mcpActions of app-config.yaml, read by Backstage's own config loader), with the real permission
 * backend and the portal's policy: an AI agent of each of the three users, through the SDK's MCP
 * client, finds the maas tools, asks for a key and is refused or allowed to decide as the REST
 * routes would (fourEyes.cluster.test.ts is the same over HTTP).
 */
import {
  actionsRegistryServiceFactory,
  actionsServiceFactory,
} from '@backstage/backend-defaults/alpha';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { loadConfig } from '@backstage/config-loader';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import { KubeConfig } from '@kubernetes/client-node';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  createTestNamespace,
  deleteTestNamespace,
  eventually,
  harnessKubeConfig,
} from '@maas-portal/harness/testing';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import request from 'supertest';
import {
  ADMIN,
  authorizationOf,
  createModelObjects,
  DEV_A,
  DEV_B,
  MODEL_A,
  startPortalTestBackend,
  User,
  USERS,
} from './__testUtils__/portalTestBackend';

jest.setTimeout(180_000);

const root = resolvePackagePath('backend', '..', '..');

describe("the portal's MCP server, as app-config.yaml sets it up, for the three users", () => {
  let kc: KubeConfig;
  let ns: string;
  let server: Awaited<ReturnType<typeof startPortalTestBackend>>['server'];
  let serverName: string | undefined;
  const clients = new Map<User, Client>();

  /** Calls a tool as `user`: its text, and its output when it is not an error. */
  async function call(user: User, name: string, args: object = {}) {
    const result = await clients.get(user)!.callTool({
      name,
      arguments: args as Record<string, unknown>,
    });
    const content = result.content as Array<{ text?: string }>;
    return {
      text: content.map(c => c.text ?? '').join('\n'),
      isError: result.isError === true,
      output: result.structuredContent as any,
    };
  }

  beforeAll(async () => {
    const { appConfigs } = await loadConfig({
      configRoot: root,
      configTargets: [{ path: join(root, 'app-config.yaml') }],
    });
    const shipped = ConfigReader.fromConfigs(appConfigs);
    kc = harnessKubeConfig();
    ns = await createTestNamespace(kc, 'mcp-portal');
    await createModelObjects(kc, ns);
    ({ server } = await startPortalTestBackend({
      kc,
      ns,
      features: [
        actionsRegistryServiceFactory,
        actionsServiceFactory,
        mcpActionsPlugin,
      ],
      config: {
        backend: { actions: shipped.get('backend.actions') },
        mcpActions: shipped.get('mcpActions'),
      },
    }));
    await eventually(
      async () => {
        const res = await request(server)
          .get(`/api/maas/models/by-entity?entityRef=${MODEL_A}`)
          .set('Authorization', authorizationOf(ADMIN));
        if (res.status !== 200)
          throw new Error(`model A answers ${res.status}: ${res.text}`);
      },
      60_000,
      500,
    );
    const { port } = server.address() as AddressInfo;
    for (const user of USERS) {
      const client = new Client({ name: 'portal-test-agent', version: '1' });
      await client.connect(
        new StreamableHTTPClientTransport(
          new URL(`http://localhost:${port}/api/mcp-actions/v1`),
          {
            requestInit: { headers: { Authorization: authorizationOf(user) } },
          },
        ),
      );
      clients.set(user, client);
    }
    serverName = clients.get(DEV_A)!.getServerVersion()?.name;
  });

  afterAll(async () => {
    for (const client of clients.values()) await client.close();
    if (kc && ns) await deleteTestNamespace(kc, ns);
  });

  it('offers each user the maas tools under the server name app-config.yaml gives (maas in backend.actions.pluginSources)', async () => {
    expect(serverName).toBe('maas-portal');
    for (const user of USERS) {
      const { tools } = await clients.get(user)!.listTools();
      expect(tools.map(t => t.name)).toEqual(
        expect.arrayContaining([
          'maas.list-models',
          'maas.request-key',
          'maas.list-my-requests',
          'maas.list-requests-to-decide',
          'maas.decide-request',
        ]),
      );
    }
  });

  it("under the portal's policy: a developer asks for a key, neither they nor another team's developer may decide it, the admin approves; no answer holds a key value", async () => {
    const models = await call(DEV_B, 'maas.list-models');
    expect(
      (models.output.models as Array<{ entityRef: string }>).map(
        m => m.entityRef,
      ),
    ).toContain(MODEL_A);

    const asked = await call(DEV_A, 'maas.request-key', {
      entityRef: MODEL_A,
      tier: 'premium',
      reason: 'an agent of team A',
    });
    expect(asked.isError).toBe(false);
    expect(asked.output.request).toMatchObject({
      state: 'pending',
      userEntityRef: DEV_A,
    });
    const id = asked.output.request.id;

    const decide = (user: User) =>
      call(user, 'maas.decide-request', {
        requestIds: [id],
        decision: 'approve',
        comment: 'four eyes over MCP',
      });
    expect((await decide(DEV_A)).output.results[0]).toMatchObject({
      ok: false,
      error: expect.stringContaining(
        `Key request ${id} is your own; another approver must decide it`,
      ),
    });
    expect((await decide(DEV_B)).output.results[0]).toEqual({
      id,
      ok: false,
      error: `You lack the maas.key.approve permission on ${MODEL_A}`,
    });
    const byAdmin = await decide(ADMIN);
    expect(byAdmin.output.results[0]).toMatchObject({
      ok: true,
      request: {
        userEntityRef: DEV_A,
        state: expect.stringMatching(/^(approved|issued)$/),
        decidedBy: ADMIN,
      },
    });
    expect(
      /maas_[A-Za-z0-9_-]{8,}/.test(JSON.stringify([models, asked, byAdmin])),
    ).toBe(false);
  });
});
