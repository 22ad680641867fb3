import { ModelObjectApi } from './cluster/ModelObjectApi';
import { harnessEnv } from '@maas-portal/harness/testing';
import { modelObjectsIn, useTestNamespace } from './__testUtils__/harness';
import { formValues, useScaffolder } from './__testUtils__/templateBackend';

jest.setTimeout(120000);

/** The "Create model" template run for real by the scaffolder backend, applying to the harness. */
describe('Create model template (applied to the harness)', () => {
  const cluster = useTestNamespace('maas-template');
  const scaffolder = useScaffolder(() => ({
    maas: {
      namespace: cluster.namespace,
      domainSuffix: 'maas.local',
      cluster: { kubeconfig: harnessEnv('MAAS_HARNESS_KUBECONFIG') },
    },
  }));

  const run = (values: Record<string, unknown>) =>
    scaffolder.runTask('template:default/create-model', values);

  it('applies the model, leaves its catalog entities on the InferenceService, and links it', async () => {
    const { status, log, output } = await run(formValues());
    expect({ status, log }).toMatchObject({ status: 'completed' });

    const objects = await modelObjectsIn(cluster.admin, cluster.namespace);
    const api = ModelObjectApi.forConfig(cluster.admin);
    expect(objects.map(o => o.id).sort()).toEqual([
      'AuthPolicy/qwen3-auth',
      'HTTPRoute/qwen3-route',
      'InferenceService/qwen3',
      'RateLimitPolicy/qwen3-rate-limits',
      'TokenRateLimitPolicy/qwen3-token-limits',
    ]);

    expect(log).toContain(
      `InferenceService ${cluster.namespace}/qwen3 created`,
    );
    expect(output.links).toEqual([
      {
        title: 'Open the model in the catalog',
        icon: 'catalog',
        entityRef: 'component:default/qwen3',
      },
      { title: 'Model endpoint', url: 'http://qwen3.maas.local' },
    ]);
    expect(output.text[0].content).toContain(
      `InferenceService ${cluster.namespace}/qwen3: created`,
    );
    // The register step told the catalog module, and the catalog served the entity before the end.
    expect(scaffolder.signalled).toEqual([
      {
        entityRef: 'component:default/qwen3',
        inferenceService: `${cluster.namespace}/qwen3`,
      },
    ]);
    expect(output.text[0].content).toContain('The model is in the catalog.');
    // Applied by the portal: no repository; the catalog module registers the entities from the cluster.
    expect(scaffolder.published).toEqual({});
    expect(scaffolder.registered).toEqual([]);
    const isvc = await api.read({
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata: { name: 'qwen3', namespace: cluster.namespace },
    });
    const entities = JSON.parse(
      isvc.metadata!.annotations!['maas.kuadrant.io/catalog-entities'],
    );
    expect(entities.map((e: any) => `${e.kind}:${e.metadata.name}`)).toEqual([
      'Component:qwen3',
      'API:qwen3-api',
    ]);
    expect(
      entities[0].metadata.annotations['maas.kuadrant.io/inference-service'],
    ).toBe(`${cluster.namespace}/qwen3`);
  });

  it('refuses a name already taken in the namespace, before applying anything', async () => {
    const { status, log } = await run(formValues());
    expect(status).toBe('failed');
    expect(log).toContain(
      `name: the namespace "${cluster.namespace}" already has a InferenceService named "qwen3"; choose another model name`,
    );
    expect(log).not.toContain('Apply to the cluster');
  });
});
