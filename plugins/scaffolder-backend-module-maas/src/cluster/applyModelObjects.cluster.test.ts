import { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { ConflictError } from '@backstage/errors';
import {
  MAAS_FIELD_MANAGER,
  MAAS_KEY_LABELS,
} from '@maas-portal/plugin-maas-common';
import { apiVersionOf, INFERENCE_SERVICE } from '@maas-portal/plugin-maas-node';
import { ModelInput } from '../manifests/validateModelSpec';
import {
  modelInput,
  renderedObjects,
  servingAuthVariants,
  simulatorServing,
} from '../__testUtils__/modelInputs';
import {
  grantLimitedUser,
  harnessEnv,
  harnessKubeConfig,
} from '@maas-portal/harness/testing';
import {
  modelObjectRules,
  modelObjectsIn,
  useTestNamespace,
  waitFor,
} from '../__testUtils__/harness';
import { applyModelObjects, ModelApplyError } from './applyModelObjects';
import { checkModelNameFree } from './checkModelNameFree';
import { ModelObjectApi } from './ModelObjectApi';

/** Against the harness's real API server with the real CRDs (see packages/harness). */
describe('applyModelObjects against the harness', () => {
  const cluster = useTestNamespace('maas-apply');

  /** The model-name check for `name` in the test namespace. */
  const nameCheck = (name: string) =>
    checkModelNameFree({
      kubeConfig: cluster.admin,
      name,
      namespace: cluster.namespace,
    });
  const objectsOf = (input: ModelInput) =>
    renderedObjects(input, cluster.namespace);

  it.each(servingAuthVariants)(
    'has every manifest of %s accepted as written (dry run, nothing pruned)',
    async (_, serving, auth) => {
      const api = ModelObjectApi.forConfig(cluster.admin);
      for (const object of objectsOf(
        modelInput({ name: 'golden', serving, auth }),
      )) {
        const accepted = await api.patch(
          object as KubernetesObject,
          undefined,
          'All',
          MAAS_FIELD_MANAGER,
          true,
          'application/apply-patch+yaml' as any,
        );
        // The server prunes fields its schema does not know: what comes back must hold all we sent.
        expect(accepted).toMatchObject(
          JSON.parse(
            JSON.stringify({
              spec: object.spec,
              metadata: { labels: object.metadata.labels },
            }),
          ),
        );
      }
    },
  );

  it("passes the server's schema message through and applies nothing", async () => {
    const objects = objectsOf(modelInput({ name: 'broken' }));
    const policy = objects.find(o => o.kind === 'RateLimitPolicy')!;
    (policy.spec as any).limits['free-user-requests'].rates[0].window = '1d';
    const error = await applyModelObjects({
      kubeConfig: cluster.admin,
      objects,
    }).catch(e => e);
    expect(error).toBeInstanceOf(ModelApplyError);
    expect(error.message).toContain('Nothing was applied');
    expect(error.message).toContain(
      `RateLimitPolicy ${cluster.namespace}/broken-rate-limits: The API server rejected it:`,
    );
    expect(error.message).toContain('^([0-9]{1,5}(h|m|s|ms)){1,4}$');
    await expect(nameCheck('broken')).resolves.toBeUndefined();
  });

  it("creates exactly the model's objects, and a second apply changes nothing", async () => {
    const objects = objectsOf(modelInput({ name: 'qwen3' }));
    await expect(nameCheck('qwen3')).resolves.toBeUndefined();

    const first = await applyModelObjects({
      kubeConfig: cluster.admin,
      objects,
    });
    expect(first.map(r => `${r.kind}/${r.name}:${r.outcome}`)).toEqual([
      'ServingRuntime/qwen3-vllm:created',
      'InferenceService/qwen3:created',
      'HTTPRoute/qwen3-route:created',
      'AuthPolicy/qwen3-auth:created',
      'RateLimitPolicy/qwen3-rate-limits:created',
      'TokenRateLimitPolicy/qwen3-token-limits:created',
    ]);

    const inCluster = await modelObjectsIn(cluster.admin, cluster.namespace);
    // The portal manages every object; the harness's real kuadrant-operator writes policies' status.
    for (const { object } of inCluster) {
      const managers = object.metadata?.managedFields
        ?.filter(f => f.subresource !== 'status')
        .map(f => f.manager);
      expect(managers).toEqual([MAAS_FIELD_MANAGER]);
    }
    expect(inCluster.map(o => o.id).sort()).toEqual(
      first.map(r => `${r.kind}/${r.name}`).sort(),
    );

    // Generations, not resource versions: the operator's status writes change the latter.
    const generations = async () =>
      (await modelObjectsIn(cluster.admin, cluster.namespace))
        .map(o => `${o.id}:${o.object.metadata?.generation}`)
        .sort();
    const before = await generations();
    const second = await applyModelObjects({
      kubeConfig: cluster.admin,
      objects: objectsOf(modelInput({ name: 'qwen3' })),
    });
    expect(second.map(r => `${r.kind}:${r.outcome}`)).toEqual(
      first.map(r => `${r.kind}:unchanged`),
    );
    expect(await generations()).toEqual(before);

    const taken = await nameCheck('qwen3').catch(e => e);
    expect(taken).toBeInstanceOf(ConflictError);
    expect(taken.message).toBe(
      `name: the namespace "${cluster.namespace}" already has a InferenceService named "qwen3"; choose another model name`,
    );
  });

  it("frees the name when only the InferenceService was deleted: the portal's route and policies become the new model's, bound to its UID; a route the portal did not make still takes the name", async () => {
    const objects = objectsOf(
      modelInput({ name: 'again', serving: simulatorServing }),
    );
    await applyModelObjects({ kubeConfig: cluster.admin, objects });
    const api = ModelObjectApi.forConfig(cluster.admin);
    const isvc = objects.find(o => o.kind === 'InferenceService')!;
    const uidOf = async () => (await api.read(isvc)).metadata!.uid!;
    const first = await uidOf();
    // As `kubectl delete isvc`: the route and the policies stay.
    await api.delete(isvc);
    await waitFor('the InferenceService to be gone', () =>
      api.read(isvc).then(
        () => false,
        e => e.code === 404,
      ),
    );

    const said: string[] = [];
    await expect(
      checkModelNameFree({
        kubeConfig: cluster.admin,
        name: 'again',
        namespace: cluster.namespace,
        log: message => said.push(message),
      }),
    ).resolves.toBeUndefined();
    expect(said).toEqual([
      `HTTPRoute ${cluster.namespace}/again-route is left from an earlier model "again" whose InferenceService is gone; it becomes this model's`,
    ]);
    const second = await applyModelObjects({
      kubeConfig: cluster.admin,
      objects,
    });
    expect(second.map(r => `${r.kind}:${r.outcome}`)).toEqual([
      'InferenceService:created',
      'HTTPRoute:unchanged',
      'AuthPolicy:configured',
      'RateLimitPolicy:unchanged',
      'TokenRateLimitPolicy:unchanged',
    ]);
    const uid = await uidOf();
    expect(uid).not.toBe(first);
    const policy = await api.read(objects.find(o => o.kind === 'AuthPolicy')!);
    expect(
      (policy as any).spec.rules.authentication['api-key-users'].apiKey.selector
        .matchLabels[MAAS_KEY_LABELS.modelUid],
    ).toBe(uid);

    // A route of the name that someone else made, without a model: the name stays taken.
    await api.create({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'byhand-route', namespace: cluster.namespace },
      spec: { hostnames: ['byhand.maas.local'] },
    } as KubernetesObject);
    const taken = await nameCheck('byhand').catch(e => e);
    expect(taken).toBeInstanceOf(ConflictError);
    expect(taken.message).toBe(
      `name: the namespace "${cluster.namespace}" already has a HTTPRoute named "byhand-route"; choose another model name`,
    );
  });

  describe('with the limited account', () => {
    const allModelResources = modelObjectRules([
      'authpolicies',
      'ratelimitpolicies',
    ]);

    /**
     * RBAC takes effect a moment after a Role changes: waits until `kubeConfig`'s read of the
     * InferenceService `name` is answered `status` (404: may read; 403: may not).
     */
    async function untilReadAnswers(
      kubeConfig: KubeConfig,
      name: string,
      status: 403 | 404,
    ) {
      const api = ModelObjectApi.forConfig(kubeConfig);
      const object = {
        apiVersion: apiVersionOf(INFERENCE_SERVICE),
        kind: INFERENCE_SERVICE.kind,
        metadata: { name, namespace: cluster.namespace },
      };
      await waitFor(`a read answered ${status}`, async () =>
        api.read(object).then(
          () => undefined,
          e => (e.code === status ? true : undefined),
        ),
      );
    }

    async function limitedAccount(): Promise<KubeConfig> {
      const limited = harnessKubeConfig('MAAS_HARNESS_LIMITED_KUBECONFIG');
      await untilReadAnswers(limited, 'none', 404);
      return limited;
    }

    it('names the verb and resource the account lacks, and applies nothing', async () => {
      const revoke = await grantLimitedUser(cluster.admin, cluster.namespace, [
        ...allModelResources,
        {
          apiGroups: ['kuadrant.io'],
          resources: ['tokenratelimitpolicies'],
          verbs: ['get'],
        },
      ]);
      try {
        const limited = await limitedAccount();
        const error = await applyModelObjects({
          kubeConfig: limited,
          objects: objectsOf(modelInput({ name: 'denied' })),
        }).catch(e => e);
        expect(error).toBeInstanceOf(ModelApplyError);
        const user = harnessEnv('MAAS_HARNESS_LIMITED_USER');
        expect(error.message).toContain(
          `TokenRateLimitPolicy ${cluster.namespace}/denied-token-limits: The portal's Kubernetes account (${user}) may not patch tokenratelimitpolicies.kuadrant.io in namespace "${cluster.namespace}"`,
        );
        expect(error.message).toContain('Nothing was applied');
        await expect(nameCheck('denied')).resolves.toBeUndefined();
      } finally {
        await revoke();
      }
    });

    it('says which half was applied when it fails midway', async () => {
      const revoke = await grantLimitedUser(cluster.admin, cluster.namespace, [
        ...allModelResources,
        {
          apiGroups: ['kuadrant.io'],
          resources: ['tokenratelimitpolicies'],
          verbs: ['get', 'create', 'patch'],
        },
      ]);
      const limited = await limitedAccount();
      let revoked = false;
      const error = await applyModelObjects({
        // The host-name check lists every namespace's routes, which a namespaced Role cannot grant.
        kubeConfig: cluster.admin,
        applyAs: limited,
        objects: objectsOf(
          modelInput({ name: 'half', serving: simulatorServing }),
        ),
        // The permission goes away after the dry run, just before the route.
        step: async (key, fn) => {
          if (key.startsWith('apply.HTTPRoute.') && !revoked) {
            revoked = true;
            await revoke();
            await untilReadAnswers(limited, 'half', 403);
          }
          return fn();
        },
      }).catch(e => e);
      expect(error).toBeInstanceOf(ModelApplyError);
      expect(error.message).toContain(
        `HTTPRoute ${cluster.namespace}/half-route could not be applied: The portal's Kubernetes account`,
      );
      expect(error.message).toContain(
        `Applied: InferenceService ${cluster.namespace}/half.`,
      );
      expect(error.message).toContain(
        `Not applied: HTTPRoute ${cluster.namespace}/half-route, AuthPolicy ${cluster.namespace}/half-auth, RateLimitPolicy ${cluster.namespace}/half-rate-limits, TokenRateLimitPolicy ${cluster.namespace}/half-token-limits.`,
      );
      expect(error.applied.map((a: any) => a.name)).toEqual(['half']);
    });
  });
});
