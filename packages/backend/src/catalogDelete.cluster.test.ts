/*
 * Who may take things out of the catalog (M3), over real HTTP: the portal's permission policy in
 * the real permission backend, the real catalog backend deciding the ownership condition on the
 * entity, and the catalog's `unregister-entity` action (what the MCP server offers to AI clients)
 * through the real actions registry. Three signed-in users: developer A (team-a, owns models A
 * and C), developer B (team-b) and an admin.
 */
import { actionsRegistryServiceFactory } from '@backstage/backend-defaults/alpha';
import {
  catalogEntityDeletePermission,
  catalogLocationDeletePermission,
} from '@backstage/plugin-catalog-common/alpha';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { KubeConfig } from '@kubernetes/client-node';
import {
  createTestNamespace,
  deleteTestNamespace,
  eventually,
  harnessKubeConfig,
} from '@maas-portal/harness/testing';
import request from 'supertest';
import {
  ADMIN,
  authorizationOf,
  DEV_A,
  DEV_B,
  MODEL_A,
  MODEL_C,
  startPortalTestBackend,
  User,
} from './__testUtils__/portalTestBackend';

/**
 * The catalog refuses with an empty NotAllowedError (its own, not ours to word): the reason is
 * the permission the policy denies, asserted from the permission backend below.
 */
const CATALOG_REFUSAL = { name: 'NotAllowedError', message: '' };

describe('M3: deleting catalog entities and unregistering locations', () => {
  let kc: KubeConfig;
  let ns: string;
  let server: Awaited<ReturnType<typeof startPortalTestBackend>>['server'];

  const as = (user: User) => ({ Authorization: authorizationOf(user) });
  const catalog = (path: string) => `/api/catalog${path}`;
  /** `/entities/by-name/component/default/model-a` for `component:default/model-a`. */
  const byName = (ref: string) =>
    catalog(`/entities/by-name/${ref.replace(':', '/')}`);
  const uidOf = async (ref: string) => {
    const res = await request(server).get(byName(ref)).set(as(ADMIN));
    expect(res.status).toBe(200);
    return res.body.metadata.uid as string;
  };
  const deleteEntity = async (user: User, ref: string) =>
    request(server)
      .delete(catalog(`/entities/by-uid/${await uidOf(ref)}`))
      .set(as(user));
  /** A location the admin registers (its target need not exist: the location itself is the subject). */
  const registerLocation = async (name: string) => {
    const res = await request(server)
      .post(catalog('/locations'))
      .set(as(ADMIN))
      .send({
        type: 'url',
        target: `https://git.example.com/${ns}/${name}/catalog-info.yaml`,
      });
    expect(res.status).toBe(201);
    return res.body.location.id as string;
  };
  const locationExists = async (id: string) =>
    (
      await request(server)
        .get(catalog(`/locations/${id}`))
        .set(as(ADMIN))
    ).status === 200;
  /** The catalog's `unregister-entity` action, invoked as MCP clients invoke it. */
  const unregisterAction = (user: User, locationId: string) =>
    request(server)
      .post(
        catalog(
          '/.backstage/actions/v1/actions/catalog:unregister-entity/invoke',
        ),
      )
      .set(as(user))
      .send({ type: { locationId } });
  /** The policy's decision on `catalog.location.delete` for `user`, from the permission backend. */
  const locationDeleteDecision = async (user: User) => {
    const res = await request(server)
      .post('/api/permission/authorize')
      .set(as(user))
      .send({
        items: [{ id: '1', permission: catalogLocationDeletePermission }],
      });
    expect(res.status).toBe(200);
    return res.body.items[0].result;
  };

  beforeAll(async () => {
    kc = harnessKubeConfig();
    ns = await createTestNamespace(kc, 'catalog-delete');
    ({ server } = await startPortalTestBackend({
      kc,
      ns,
      features: [actionsRegistryServiceFactory],
      config: { backend: { actions: { pluginSources: ['catalog'] } } },
    }));
    await eventually(async () => {
      for (const ref of [MODEL_A, MODEL_C]) await uidOf(ref);
    }, 60_000);
  }, 120_000);

  afterAll(async () => {
    if (kc && ns) await deleteTestNamespace(kc, ns);
  });

  it("M3: a developer cannot delete another team's entity; its owner and an admin can", async () => {
    const byB = await deleteEntity(DEV_B, MODEL_A);
    expect(byB.status).toBe(403);
    expect(byB.body.error).toMatchObject(CATALOG_REFUSAL);
    // The reason: catalog.entity.delete is the owners' (a condition on the entity) and admins'.
    const decision = await request(server)
      .post('/api/permission/authorize')
      .set(as(DEV_B))
      .send({
        items: [
          {
            id: '1',
            permission: catalogEntityDeletePermission,
            resourceRef: MODEL_A,
          },
        ],
      });
    expect(decision.body.items[0].result).toBe(AuthorizeResult.DENY);
    expect(await uidOf(MODEL_A)).toBeTruthy();

    // Developer A's team owns model C: they may delete it.
    expect((await deleteEntity(DEV_A, MODEL_C)).status).toBe(204);
    const gone = await request(server).get(byName(MODEL_C)).set(as(ADMIN));
    expect(gone.status).toBe(404);

    // The admin owns nothing here and may delete any entity.
    expect((await deleteEntity(ADMIN, MODEL_A)).status).toBe(204);
  });

  it('M3: only an admin unregisters a location, over REST and through the MCP action', async () => {
    const viaRest = await registerLocation('rest');
    for (const user of [DEV_A, DEV_B] as const) {
      const denied = await request(server)
        .delete(catalog(`/locations/${viaRest}`))
        .set(as(user));
      expect(denied.status).toBe(403);
      expect(denied.body.error).toMatchObject(CATALOG_REFUSAL);
      expect(await locationDeleteDecision(user)).toBe(AuthorizeResult.DENY);
    }
    expect(await locationExists(viaRest)).toBe(true);
    const byAdmin = await request(server)
      .delete(catalog(`/locations/${viaRest}`))
      .set(as(ADMIN));
    expect(byAdmin.status).toBe(204);
    expect(await locationExists(viaRest)).toBe(false);
    expect(await locationDeleteDecision(ADMIN)).toBe(AuthorizeResult.ALLOW);

    const viaAction = await registerLocation('mcp');
    for (const user of [DEV_A, DEV_B] as const) {
      const denied = await unregisterAction(user, viaAction);
      expect(denied.status).toBe(403);
      // The action passes on the catalog's 403 to the location route (asserted above) as is.
      expect(denied.body.error).toMatchObject({
        name: 'ResponseError',
        message: 'Request failed with 403 Forbidden',
      });
    }
    expect(await locationExists(viaAction)).toBe(true);
    const actionByAdmin = await unregisterAction(ADMIN, viaAction);
    expect(actionByAdmin.status).toBe(200);
    expect(await locationExists(viaAction)).toBe(false);
  });
});
