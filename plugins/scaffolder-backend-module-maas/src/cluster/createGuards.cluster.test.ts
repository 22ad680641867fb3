import { ConflictError } from '@backstage/errors';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  KubeConfig,
  KubernetesObject,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import { MAAS_FIELD_MANAGER } from '@maas-portal/plugin-maas-common';
import {
  apiVersionOf,
  HTTP_ROUTE,
  impersonating,
} from '@maas-portal/plugin-maas-node';
import { createModelApplyAction } from '../actions/modelApply';
import {
  modelObjectRules,
  modelObjectsIn,
  useTestNamespace,
  waitFor,
} from '../__testUtils__/harness';
import {
  applyInput,
  modelInput,
  renderedObjects,
  simulatorServing,
  testDefaults,
} from '../__testUtils__/modelInputs';
import { initiatedBy, users, usersGate } from '../__testUtils__/users';
import { applyModelObjects, ModelApplyError } from './applyModelObjects';
import { checkModelNameFree } from './checkModelNameFree';
import { ModelObjectApi } from './ModelObjectApi';

jest.setTimeout(60000);

/**
 * What Create model refuses on a real API server (the harness's): taking over an object the
 * portal does not manage, a host name another route of the Gateway serves, and, with
 * `maas.cluster.impersonateUsers`, what the user's own RBAC does not allow.
 */
describe('Create model guards against the harness', () => {
  const cluster = useTestNamespace('maas-guards');

  const gateway = () => ({
    name: 'inference-gateway',
    namespace: cluster.namespace,
  });
  const simulator = (name: string, hostname?: string) =>
    renderedObjects(
      modelInput({ name, serving: simulatorServing, hostname }),
      cluster.namespace,
    );

  /** An HTTPRoute made by hand (`kubectl create`), not by the portal. */
  async function handMadeRoute(
    name: string,
    hostname: string,
    labels: Record<string, string> = {},
  ) {
    const route = {
      apiVersion: apiVersionOf(HTTP_ROUTE),
      kind: HTTP_ROUTE.kind,
      metadata: { name, namespace: cluster.namespace, labels },
      spec: { parentRefs: [gateway()], hostnames: [hostname] },
    };
    await ModelObjectApi.forConfig(cluster.admin).create(
      route as KubernetesObject,
      undefined,
      undefined,
      'kubectl-create',
    );
  }

  it('never takes over an object the portal does not manage, naming who manages it', async () => {
    await handMadeRoute(
      'taken-route',
      `taken-${cluster.namespace}.maas.local`,
      {
        'app.kubernetes.io/managed-by': 'argocd',
      },
    );
    const error = await applyModelObjects({
      kubeConfig: cluster.admin,
      objects: simulator('taken'),
    }).catch(e => e);
    expect(error).toBeInstanceOf(ModelApplyError);
    expect(error.message).toBe(
      `Nothing was applied; the dry run found: HTTPRoute ${cluster.namespace}/taken-route: exists and is not managed by the portal (managed by field managers kubectl-create; label app.kubernetes.io/managed-by=argocd); the portal does not take over objects it did not create: delete it, or choose another model name`,
    );
    const left = await modelObjectsIn(cluster.admin, cluster.namespace);
    expect(left.map(o => o.id)).toEqual(['HTTPRoute/taken-route']);
    expect(left[0].object.metadata?.labels).toEqual({
      'app.kubernetes.io/managed-by': 'argocd',
    });
  });

  it("refuses an object that only carries the portal's label", async () => {
    await handMadeRoute(
      'forged-route',
      `forged-${cluster.namespace}.maas.local`,
      {
        'app.kubernetes.io/managed-by': MAAS_FIELD_MANAGER,
      },
    );
    const error = await applyModelObjects({
      kubeConfig: cluster.admin,
      objects: simulator('forged'),
    }).catch(e => e);
    expect(error.message).toContain(
      `HTTPRoute ${cluster.namespace}/forged-route: exists and is not managed by the portal (managed by field managers kubectl-create; label app.kubernetes.io/managed-by=${MAAS_FIELD_MANAGER})`,
    );
  });

  it('refuses a host name another route of the Gateway serves, naming that route', async () => {
    const host = `dup-${cluster.namespace}.maas.local`;
    await handMadeRoute('other-route', host);
    const served = `hostname "${host}" is already served by HTTPRoute ${cluster.namespace}/other-route on Gateway ${cluster.namespace}/inference-gateway; choose another host name`;

    const taken = await checkModelNameFree({
      kubeConfig: cluster.admin,
      name: 'dup',
      namespace: cluster.namespace,
      host: { hostname: host, gateway: gateway() },
    }).catch(e => e);
    expect(taken).toBeInstanceOf(ConflictError);
    expect(taken.message).toBe(served);

    const error = await applyModelObjects({
      kubeConfig: cluster.admin,
      objects: simulator('dup', host),
    }).catch(e => e);
    expect(error).toBeInstanceOf(ModelApplyError);
    expect(error.message).toBe(
      `Nothing was applied; the dry run found: ${served}`,
    );
    expect(
      (await modelObjectsIn(cluster.admin, cluster.namespace)).map(o => o.id),
    ).not.toContain('InferenceService/dup');

    // The same host on another Gateway is another listener's business.
    await expect(
      checkModelNameFree({
        kubeConfig: cluster.admin,
        name: 'dup',
        namespace: cluster.namespace,
        host: {
          hostname: host,
          gateway: { name: 'other-gateway', namespace: cluster.namespace },
        },
      }),
    ).resolves.toBeUndefined();
  });

  describe('with maas.cluster.impersonateUsers', () => {
    /** How the API server answers `kubeConfig`'s read of a route that does not exist: 404 may read, 403 may not. */
    const readAnswer = (kubeConfig: KubeConfig) =>
      ModelObjectApi.forConfig(kubeConfig)
        .read({
          apiVersion: apiVersionOf(HTTP_ROUTE),
          kind: HTTP_ROUTE.kind,
          metadata: { name: 'none', namespace: cluster.namespace },
        })
        .then(
          () => 200,
          e => e.code as number,
        );

    const action = () =>
      createModelApplyAction({
        kubeConfig: () => cluster.admin,
        defaults: testDefaults,
        gate: usersGate(
          { namespaces: [{ namespace: cluster.namespace }] },
          { impersonateUsers: true },
        ),
      });
    const applyAsAlice = (name: string) =>
      action().handler({
        ...createMockActionContext({
          input: applyInput(
            modelInput({ name, serving: simulatorServing }),
            cluster.namespace,
          ) as any,
        }),
        ...initiatedBy(users.devA),
      } as any);

    it("refuses with the API server's message when the user's RBAC does not allow it", async () => {
      const error = await applyAsAlice('imp-denied').catch(e => e);
      expect(error).toBeInstanceOf(ModelApplyError);
      expect(error.message).toContain('Nothing was applied');
      expect(error.message).toContain(
        `InferenceService ${cluster.namespace}/imp-denied: The signed-in user (user:default/alice) may not patch inferenceservices.serving.kserve.io in namespace "${cluster.namespace}"`,
      );
      expect(error.message).toContain(
        `The API server said: inferenceservices.serving.kserve.io "imp-denied" is forbidden: User "user:default/alice" cannot patch resource "inferenceservices" in API group "serving.kserve.io" in the namespace "${cluster.namespace}"`,
      );
    });

    it("applies as the user, when a RoleBinding grants one of the user's groups", async () => {
      const rbac = cluster.admin.makeApiClient(RbacAuthorizationV1Api);
      await rbac.createNamespacedRole({
        namespace: cluster.namespace,
        body: {
          metadata: { name: 'model-creators' },
          rules: modelObjectRules([
            'authpolicies',
            'ratelimitpolicies',
            'tokenratelimitpolicies',
          ]),
        },
      });
      await rbac.createNamespacedRoleBinding({
        namespace: cluster.namespace,
        body: {
          metadata: { name: 'team-a-creates-models' },
          roleRef: {
            apiGroup: 'rbac.authorization.k8s.io',
            kind: 'Role',
            name: 'model-creators',
          },
          subjects: [
            {
              apiGroup: 'rbac.authorization.k8s.io',
              kind: 'Group',
              name: 'group:default/team-a',
            },
          ],
        },
      });
      // RBAC takes effect a moment after the binding: until the user may read.
      const alice = impersonating(cluster.admin, {
        user: 'user:default/alice',
        groups: ['group:default/team-a'],
      });
      await waitFor('the RoleBinding to take effect', async () =>
        (await readAnswer(alice)) === 404 ? true : undefined,
      );

      await applyAsAlice('imp-allowed');
      const objects = (
        await modelObjectsIn(cluster.admin, cluster.namespace)
      ).filter(o => o.id.includes('imp-allowed'));
      expect(objects.map(o => o.id).sort()).toEqual([
        'AuthPolicy/imp-allowed-auth',
        'HTTPRoute/imp-allowed-route',
        'InferenceService/imp-allowed',
        'RateLimitPolicy/imp-allowed-rate-limits',
        'TokenRateLimitPolicy/imp-allowed-token-limits',
      ]);
      for (const { object } of objects) {
        expect(
          object.metadata?.managedFields
            ?.filter(f => f.subresource !== 'status')
            .map(f => f.manager),
        ).toEqual([MAAS_FIELD_MANAGER]);
      }

      // Only the group's binding allows it: another user in no group of it is still refused.
      const bob = impersonating(cluster.admin, {
        user: 'user:default/bob',
        groups: ['group:default/team-b'],
      });
      const error = await applyModelObjects({
        kubeConfig: cluster.admin,
        applyAs: bob,
        objects: simulator('imp-bob'),
      }).catch(e => e);
      expect(error.message).toContain(
        `User "user:default/bob" cannot patch resource`,
      );
    });

    it('sends every group of the user, each in its own header', async () => {
      const both = impersonating(cluster.admin, {
        user: 'user:default/carol',
        groups: ['group:default/team-x', 'group:default/team-a'],
      });
      // The binding names the second group only: it holds only when both headers arrive apart.
      expect(await readAnswer(both)).toBe(404);
      expect(
        await readAnswer(
          impersonating(cluster.admin, {
            user: 'user:default/carol',
            groups: ['group:default/team-x'],
          }),
        ),
      ).toBe(403);
    });
  });
});
