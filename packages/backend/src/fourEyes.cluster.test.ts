/*
 * Four eyes in production (issue #20, M1): the approvals setting exactly as the image's config files
 * give it (app-config.yaml + app-config.production.yaml, read by Backstage's own config loader), then
 * key requests decided over real HTTP by a developer who owns the model, a developer of another team
 * and an admin: nobody decides their own request, the admin decides the developer's.
 */
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { loadConfig } from '@backstage/config-loader';
import { KubeConfig } from '@kubernetes/client-node';
import {
  createTestNamespace,
  deleteTestNamespace,
  eventually,
  harnessKubeConfig,
} from '@maas-portal/harness/testing';
import {
  CreateKeyRequestResponse,
  DecisionResult,
} from '@maas-portal/plugin-maas-common';
import request from 'supertest';
import { join } from 'node:path';
import {
  ADMIN,
  authorizationOf,
  createModelObjects,
  DEV_A,
  DEV_B,
  MODEL_A,
  startPortalTestBackend,
  User,
} from './__testUtils__/portalTestBackend';

jest.setTimeout(180_000);

const root = resolvePackagePath('backend', '..', '..');

/** The config the given files of the repository root make, as `--config` flags would load them. */
async function configOf(...files: string[]) {
  const { appConfigs } = await loadConfig({
    configRoot: root,
    configTargets: files.map(f => ({ path: join(root, f) })),
  });
  return ConfigReader.fromConfigs(appConfigs);
}

describe('four eyes with the production config files', () => {
  let kc: KubeConfig;
  let ns: string;
  let server: Awaited<ReturnType<typeof startPortalTestBackend>>['server'];
  let approvals: object | undefined;

  const post = (path: string, user: User, body: object) =>
    request(server)
      .post(`/api/maas${path}`)
      .set('Authorization', authorizationOf(user))
      .send(body);
  async function premiumRequestOf(user: User) {
    const res = await post('/keys/requests', user, {
      entityRef: MODEL_A,
      tier: 'premium',
      reason: 'four eyes',
    });
    expect(res.status).toBe(201);
    return (res.body as CreateKeyRequestResponse).request.id;
  }
  async function approve(id: string, by: User): Promise<DecisionResult> {
    const res = await post('/keys/requests/decisions', by, {
      ids: [id],
      decision: 'approve',
      comment: 'four eyes',
    });
    expect(res.status).toBe(200);
    return res.body[0];
  }

  beforeAll(async () => {
    const production = await configOf(
      'app-config.yaml',
      'app-config.production.yaml',
    );
    approvals = production.getOptional('maas.approvals');
    kc = harnessKubeConfig();
    ns = await createTestNamespace(kc, 'foureyes');
    await createModelObjects(kc, ns);
    ({ server } = await startPortalTestBackend({
      kc,
      ns,
      // Exactly what the production files say about approvals (nothing: the default).
      maas: approvals ? { approvals } : {},
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
  });

  afterAll(async () => {
    await deleteTestNamespace(kc, ns);
  });

  it('M1: the production config files leave self-approval off; only the single-user guest config turns it on', async () => {
    expect(approvals ?? {}).not.toHaveProperty('allowSelfApproval', true);
    const guest = await configOf('app-config.yaml', 'app-config.guest.yaml');
    expect(guest.getOptionalBoolean('maas.approvals.allowSelfApproval')).toBe(
      true,
    );
    const oidc = await configOf('app-config.yaml', 'app-config.oidc.yaml');
    expect(
      oidc.getOptionalBoolean('maas.approvals.allowSelfApproval'),
    ).toBeUndefined();
  });

  it("M1: the model's owner and an admin cannot approve their own requests over HTTP; another team's developer cannot approve; the admin approves the owner's", async () => {
    const ofA = await premiumRequestOf(DEV_A);
    const ofAdmin = await premiumRequestOf(ADMIN);

    const selfA = await approve(ofA, DEV_A);
    expect(selfA).toMatchObject({ ok: false });
    expect(selfA.error).toContain(
      `Key request ${ofA} is your own; another approver must decide it (four eyes`,
    );
    const selfAdmin = await approve(ofAdmin, ADMIN);
    expect(selfAdmin).toMatchObject({ ok: false });
    expect(selfAdmin.error).toContain(
      `Key request ${ofAdmin} is your own; another approver must decide it (four eyes`,
    );
    expect(await approve(ofA, DEV_B)).toMatchObject({ ok: false });

    const byAdmin = await approve(ofA, ADMIN);
    expect(byAdmin).toMatchObject({ ok: true });
    expect(byAdmin.request).toMatchObject({
      userEntityRef: DEV_A,
      state: expect.stringMatching(/^(approved|issued)$/),
      decidedBy: ADMIN,
    });
  });
});
