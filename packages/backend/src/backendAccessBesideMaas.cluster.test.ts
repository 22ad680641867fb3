/*
 * Who may use the backends beside the MaaS API, over real HTTP with the three signed-in users: the
 * real Kubernetes backend's proxy, the real catalog backend's locations, and what /api/maas/status
 * shows each (the portal's permission policy decides; see permissionMatrix.cluster.test.ts).
 */
import { kubernetesProxyPermission } from '@backstage/plugin-kubernetes-common';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { harnessEnv } from '@maas-portal/harness/testing';
import request from 'supertest';
import {
  ADMIN,
  authorizationOf,
  DEV_A,
  DEV_B,
  usePortalWithModels,
  User,
} from './__testUtils__/portalTestBackend';

describe('the Kubernetes proxy, catalog locations and /status per user over real HTTP', () => {
  const portal = usePortalWithModels('beside-matrix');
  const header = authorizationOf;
  const get = (path: string, user: User) =>
    request(portal.server)
      .get(`/api/maas${path}`)
      .set('Authorization', header(user));

  it('denies the Kubernetes proxy to developers and lets an admin through (real kubernetes and permission backends)', async () => {
    const proxy = (user: User) =>
      request(portal.server)
        .get(`/api/kubernetes/proxy/api/v1/namespaces/${portal.ns}/secrets`)
        .set('Authorization', header(user))
        .set('Backstage-Kubernetes-Cluster', 'harness');
    for (const user of [DEV_A, DEV_B] as const) {
      const denied = await proxy(user);
      expect(denied.status).toBe(403);
      // The Kubernetes backend's own word; the reason, kubernetes.proxy denied, is asserted below.
      expect(denied.body.error).toMatchObject({
        name: 'NotAllowedError',
        message: 'Unauthorized',
      });
    }
    // The admin passes the permission check; the proxy then loads http-proxy-middleware with a
    // dynamic import, which Jest cannot run without --experimental-vm-modules: a 500 from that
    // import, not a 403. The decision itself comes from the permission backend just below.
    const admin = await proxy(ADMIN);
    expect(admin.status).not.toBe(403);
    expect(admin.body.error?.name).not.toBe('NotAllowedError');

    const decide = async (user: User) => {
      const res = await request(portal.server)
        .post('/api/permission/authorize')
        .set('Authorization', header(user))
        .send({
          items: [{ id: '1', permission: kubernetesProxyPermission }],
        });
      expect(res.status).toBe(200);
      return res.body.items[0].result;
    };
    expect([
      await decide(DEV_A),
      await decide(DEV_B),
      await decide(ADMIN),
    ]).toEqual([
      AuthorizeResult.DENY,
      AuthorizeResult.DENY,
      AuthorizeResult.ALLOW,
    ]);
  });

  it('lets only an admin register a catalog location (real catalog backend)', async () => {
    const register = (user: User, target: string) =>
      request(portal.server)
        .post('/api/catalog/locations')
        .set('Authorization', header(user))
        .send({ type: 'url', target });
    for (const user of [DEV_A, DEV_B] as const) {
      const denied = await register(
        user,
        `https://git.example.com/${user}/catalog-info.yaml`,
      );
      expect(denied.status).toBe(403);
      // The catalog's own refusal has no words; the reason is the policy's decision on
      // catalog.location.create (the policy's unit test and catalogDelete.cluster.test.ts).
      expect(denied.body.error).toMatchObject({
        name: 'NotAllowedError',
        message: '',
      });
    }
    const created = await register(
      ADMIN,
      'https://git.example.com/ops/catalog-info.yaml',
    );
    expect(created.status).toBe(201);
  });

  it('shows a developer /status without internal URLs or paths, and an admin with them', async () => {
    const kubeconfig = harnessEnv('MAAS_HARNESS_KUBECONFIG');
    const prometheus = harnessEnv('MAAS_HARNESS_PROMETHEUS_URL');
    const apiServer = portal.kc.getCurrentCluster()!.server;
    for (const user of [DEV_A, DEV_B] as const) {
      const res = await get('/status', user);
      expect(res.status).toBe(200);
      const text = JSON.stringify(res.body);
      expect(res.body.cluster.state).toBe('connected');
      for (const secret of [kubeconfig, prometheus, apiServer])
        expect(text).not.toContain(secret);
      expect(text).not.toMatch(/https?:\/\//);
    }
    const asAdmin = JSON.stringify((await get('/status', ADMIN)).body);
    expect(asAdmin).toContain(apiServer);
    expect(asAdmin).toContain(prometheus);
  });
});
