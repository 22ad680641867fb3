import {
  ApiextensionsV1Api,
  V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { modelInput, renderedObjects } from '../__testUtils__/modelInputs';
import {
  useTestNamespace,
  waitFor,
  withClusterLock,
} from '../__testUtils__/harness';
import { applyModelObjects, ModelApplyError } from './applyModelObjects';
import { ModelObjectApi } from './ModelObjectApi';

/**
 * Deletes a shared CRD for a moment, so it runs alone: `*.exclusive.*` test files run after all
 * the others, one at a time (scripts/lib/run-tests.ts).
 */
describe('applyModelObjects on a cluster without Kuadrant', () => {
  const cluster = useTestNamespace('maas-nokuadrant');

  it('says Kuadrant is not installed when its CRD is missing', async () => {
    await withClusterLock(async () => {
      const crds = cluster.admin.makeApiClient(ApiextensionsV1Api);
      const name = 'tokenratelimitpolicies.kuadrant.io';
      const original: V1CustomResourceDefinition =
        await crds.readCustomResourceDefinition({ name });
      await crds.deleteCustomResourceDefinition({ name });
      try {
        await waitFor('the CRD to go', async () =>
          crds.readCustomResourceDefinition({ name }).then(
            () => undefined,
            e => (e.code === 404 ? true : undefined),
          ),
        );
        const error = await applyModelObjects({
          kubeConfig: cluster.admin,
          objects: renderedObjects(
            modelInput({ name: 'nokuadrant' }),
            cluster.namespace,
          ),
        }).catch(e => e);
        expect(error).toBeInstanceOf(ModelApplyError);
        expect(error.message).toBe(
          `Nothing was applied; the dry run found: TokenRateLimitPolicy ${cluster.namespace}/nokuadrant-token-limits: Kuadrant is not installed in the cluster: the API server does not serve TokenRateLimitPolicy (kuadrant.io/v1alpha1); install its CRDs first`,
        );
      } finally {
        const { metadata, spec } = original;
        await crds.createCustomResourceDefinition({
          body: {
            metadata: {
              name: metadata!.name,
              labels: metadata!.labels,
              annotations: metadata!.annotations,
            },
            spec,
          },
        });
        await waitFor('the CRD to be served again', async () => {
          const crd = await crds.readCustomResourceDefinition({ name });
          return (
            crd.status?.conditions?.some(
              c => c.type === 'Established' && c.status === 'True',
            ) || undefined
          );
        });
        await waitFor('discovery of the CRD', async () =>
          (await ModelObjectApi.forConfig(cluster.admin).served(
            'kuadrant.io/v1alpha1',
            'TokenRateLimitPolicy',
          ))
            ? true
            : undefined,
        );
      }
    });
  });
});
