import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  catalogEntityDeletePermission,
  catalogLocationCreatePermission,
  catalogLocationDeletePermission,
} from '@backstage/plugin-catalog-common/alpha';
import { kubernetesProxyPermission } from '@backstage/plugin-kubernetes-common';
import {
  maasAuditReadPermission,
  maasCostsReadPermission,
  maasKeyApprovePermission,
  maasKeyRequestPermission,
  maasModelCreatePermission,
  maasModelListPermission,
  maasModelReadPermission,
  maasUsageReadAllPermission,
} from '@maas-portal/plugin-maas-common';
import { MaasPermissionPolicy } from './MaasPermissionPolicy';

const user = (ref: string, ownership: string[]): PolicyQueryUser =>
  ({
    info: { userEntityRef: ref, ownershipEntityRefs: [ref, ...ownership] },
  } as unknown as PolicyQueryUser);

describe('MaasPermissionPolicy', () => {
  const policy = new MaasPermissionPolicy({
    adminGroups: ['group:default/platform-team'],
  });
  const jane = user('user:default/jane', ['group:default/ml-team']);
  const admin = user('user:default/ops', ['group:default/platform-team']);

  it("allows what is not the suite's, and seeing models and asking for keys to everyone", async () => {
    const other = createPermission({
      name: 'catalog.entity.read',
      attributes: { action: 'read' },
      resourceType: 'catalog-entity',
    });
    for (const permission of [
      other,
      maasModelReadPermission,
      maasKeyRequestPermission,
    ]) {
      expect(await policy.handle({ permission }, jane)).toEqual({
        result: AuthorizeResult.ALLOW,
      });
    }
  });

  it('lets admin groups do everything', async () => {
    expect(
      await policy.handle({ permission: maasKeyApprovePermission }, admin),
    ).toEqual({ result: AuthorizeResult.ALLOW });
    expect(
      await policy.handle({ permission: maasAuditReadPermission }, admin),
    ).toEqual({ result: AuthorizeResult.ALLOW });
  });

  it("lets a model's owners approve and see everyone's usage of their models only", async () => {
    for (const permission of [
      maasKeyApprovePermission,
      maasUsageReadAllPermission,
    ]) {
      expect(await policy.handle({ permission }, jane)).toEqual({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'catalog',
        resourceType: 'catalog-entity',
        conditions: {
          rule: 'IS_ENTITY_OWNER',
          resourceType: 'catalog-entity',
          params: { claims: ['user:default/jane', 'group:default/ml-team'] },
        },
      });
    }
  });

  it('M3: lets admins delete any catalog entity, and others only the entities they own', async () => {
    expect(
      await policy.handle({ permission: catalogEntityDeletePermission }, jane),
    ).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        rule: 'IS_ENTITY_OWNER',
        resourceType: 'catalog-entity',
        params: { claims: ['user:default/jane', 'group:default/ml-team'] },
      },
    });
    expect(
      await policy.handle({ permission: catalogEntityDeletePermission }),
    ).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        rule: 'IS_ENTITY_OWNER',
        resourceType: 'catalog-entity',
        params: { claims: [] },
      },
    });
    expect(
      await policy.handle({ permission: catalogEntityDeletePermission }, admin),
    ).toEqual({ result: AuthorizeResult.ALLOW });
  });

  it.each([
    kubernetesProxyPermission,
    catalogLocationCreatePermission,
    catalogLocationDeletePermission,
  ])('gives $name to admins only', async permission => {
    expect(await policy.handle({ permission }, jane)).toEqual({
      result: AuthorizeResult.DENY,
    });
    expect(await policy.handle({ permission })).toEqual({
      result: AuthorizeResult.DENY,
    });
    expect(await policy.handle({ permission }, admin)).toEqual({
      result: AuthorizeResult.ALLOW,
    });
  });

  it.each([
    maasAuditReadPermission,
    maasModelListPermission,
    maasModelCreatePermission,
    maasCostsReadPermission,
  ])('gives $name to admins only', async permission => {
    expect(await policy.handle({ permission }, jane)).toEqual({
      result: AuthorizeResult.DENY,
    });
    expect(await policy.handle({ permission }, admin)).toEqual({
      result: AuthorizeResult.ALLOW,
    });
  });
});
