/*
 * Who may say who leads a team (issue #20, M5): the catalog takes Groups and Users only from the
 * organization's locations (the catalog rules of app-config.yaml, read by Backstage's own config
 * loader), so a Group from anywhere else — here a repository's catalog-info.yaml registered by URL —
 * cannot name a developer team lead of another team. Costs over real
 * HTTP as a developer and team lead, a developer of another team, and an admin.
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
import { CostReport } from '@maas-portal/plugin-maas-common';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import {
  ADMIN,
  authorizationOf,
  DEV_A,
  DEV_B,
  startPortalTestBackend,
  User,
} from './__testUtils__/portalTestBackend';

jest.setTimeout(180_000);

const root = resolvePackagePath('backend', '..', '..');

/** The organization: team-a led by dev-a, team-b, platform-team, and their members. */
const ORG = `
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: team-a
  annotations:
    maas.kuadrant.io/team-leads: user:default/dev-a
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: team-b }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: platform-team }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: dev-a }
spec: { memberOf: [team-a] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: dev-b }
spec: { memberOf: [team-b] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: ops }
spec: { memberOf: [platform-team] }
`;

/**
 * A repository's catalog file that tries to make dev-a lead team-b: beside a Component, a Group
 * `team-b-leads` naming dev-a as its team lead and team-b as its child.
 */
const SPOOF = `
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: innocent-service }
spec: { type: service, owner: group:default/team-a, lifecycle: production }
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: team-b-leads
  annotations:
    maas.kuadrant.io/team-leads: user:default/dev-a
spec: { type: team, children: [team-b] }
`;

describe('Groups and Users come only from the organization locations', () => {
  let kc: KubeConfig;
  let ns: string;
  let server: Awaited<ReturnType<typeof startPortalTestBackend>>['server'];
  /** What the catalog said about the spoofing file's Location. */
  let spoofRefusal: string;
  /** Serves the spoofing catalog-info.yaml, as a Git host would. */
  let repository: Server;
  const get = (path: string, user: User) =>
    request(server).get(path).set('Authorization', authorizationOf(user));

  beforeAll(async () => {
    const { appConfigs } = await loadConfig({
      configRoot: root,
      configTargets: [{ path: join(root, 'app-config.yaml') }],
    });
    const rules = ConfigReader.fromConfigs(appConfigs).get('catalog.rules');
    const dir = mkdtempSync(join(tmpdir(), 'maas-org-'));
    writeFileSync(join(dir, 'org.yaml'), ORG);
    repository = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/yaml' });
      res.end(SPOOF);
    });
    await new Promise<void>(r => repository.listen(0, '127.0.0.1', r));
    const host = `127.0.0.1:${(repository.address() as AddressInfo).port}`;
    const spoofUrl = `http://${host}/team-b/catalog-info.yaml`;
    kc = harnessKubeConfig();
    ns = await createTestNamespace(kc, 'orgloc');
    ({ server } = await startPortalTestBackend({
      kc,
      ns,
      config: {
        catalog: {
          // The repository's own rules (no Group or User outside the org locations).
          rules,
          locations: [
            {
              type: 'file',
              target: join(dir, 'org.yaml'),
              rules: [{ allow: ['Group', 'User'] }],
            },
          ],
        },
        // The catalog may read the repository (as an integration's host would be allowed).
        backend: { reading: { allow: [{ host }] } },
      },
    }));
    // The org file is processed once its Users are in the catalog.
    await eventually(
      async () => {
        const user = await get(
          '/api/catalog/entities/by-name/user/default/dev-b',
          ADMIN,
        );
        if (user.status !== 200) throw new Error(`dev-b: ${user.status}`);
      },
      90_000,
      1000,
    );
    // A developer's repository registered by URL (an admin's right), then the same registration as
    // a dry run, which answers at once with what the catalog makes of the file: a refused entity
    // refuses the whole file, so nothing of it enters the catalog.
    const register = (dryRun: boolean) =>
      request(server)
        .post(`/api/catalog/locations${dryRun ? '?dryRun=true' : ''}`)
        .set('Authorization', authorizationOf(ADMIN))
        .send({ type: 'url', target: spoofUrl });
    const registered = await register(false);
    if (registered.status !== 201)
      throw new Error(`registering ${spoofUrl}: ${registered.status}`);
    const dryRun = await register(true);
    spoofRefusal = `${dryRun.status} ${JSON.stringify(dryRun.body)}`;
  });

  afterAll(async () => {
    repository?.close();
    await deleteTestNamespace(kc, ns);
  });

  it("M5: a Group outside the org locations is not in the catalog (the repository's rules refuse it)", async () => {
    expect(spoofRefusal).toContain(
      'Entity group:default/team-b-leads at url:http://127.0.0.1:',
    );
    expect(spoofRefusal).toContain(
      'is not of an allowed kind for that location',
    );
    const spoof = await get(
      '/api/catalog/entities/by-name/group/default/team-b-leads',
      ADMIN,
    );
    expect(spoof.status).toBe(404);
    // The org's own Group with its team lead is there.
    const teamA = await get(
      '/api/catalog/entities/by-name/group/default/team-a',
      ADMIN,
    );
    expect(teamA.body.metadata.annotations).toMatchObject({
      'maas.kuadrant.io/team-leads': 'user:default/dev-a',
    });
  });

  it("M5: a spoofing Group that names a developer team lead of another team gives them none of that team's costs", async () => {
    const asLead = await get('/api/maas/costs', DEV_A);
    expect(asLead.status).toBe(200);
    const report = asLead.body as CostReport;
    expect(report.scope).toBe('groups');
    // dev-a leads team-a (the org says so), and nothing the other file claims.
    expect(report.ledGroups).toEqual(['group:default/team-a']);
    expect(report.groups.map(g => g.ref)).not.toContain('group:default/team-b');
    expect(report.users.map(u => u.ref)).not.toContain(DEV_B);
  });

  it('M5: the developer of the other team leads nothing, and the admin sees every group', async () => {
    const asDevB = await get('/api/maas/costs', DEV_B);
    expect(asDevB.status).toBe(403);
    expect(asDevB.body.error.message).toContain('you are neither');
    const asAdmin = await get('/api/maas/costs', ADMIN);
    expect(asAdmin.status).toBe(200);
    expect((asAdmin.body as CostReport).scope).toBe('all');
  });
});
