import {
  formValues,
  loadCreateModelTemplate,
  useScaffolder,
} from './__testUtils__/templateBackend';
import { testCreateConfig, TestUser, users } from './__testUtils__/users';

jest.setTimeout(60000);

/** The "Create model" template through the real scaffolder backend, as a dry run: no cluster. */
describe('Create model template (dry run)', () => {
  const scaffolder = useScaffolder(() => ({
    maas: { namespace: 'llm', domainSuffix: 'maas.local' },
  }));

  async function dryRun(values: Record<string, unknown>) {
    return scaffolder.call('POST', '/v2/dry-run', {
      template: loadCreateModelTemplate(),
      values,
      secrets: {},
      directoryContents: [],
    });
  }

  it('renders the model, publishes catalog-info.yaml and the manifests, and links the entity', async () => {
    const result = await dryRun(formValues({ delivery: 'publish' }));
    const files = result.directoryContents.map((f: any) => f.path).sort();
    expect(files).toEqual([
      'catalog-info.yaml',
      'manifests/authpolicy.yaml',
      'manifests/httproute.yaml',
      'manifests/inferenceservice.yaml',
      'manifests/kustomization.yaml',
      'manifests/ratelimitpolicy.yaml',
      'manifests/tokenratelimitpolicy.yaml',
    ]);
    expect(result.output.links).toEqual([
      {
        title: 'Open the model in the catalog',
        icon: 'catalog',
        entityRef: 'component:default/qwen3',
      },
      { title: 'Model endpoint', url: 'http://qwen3.maas.local' },
      { title: 'Repository', url: 'https://github.com/acme/qwen3-model' },
    ]);
    const catalogInfo = Buffer.from(
      result.directoryContents.find((f: any) => f.path === 'catalog-info.yaml')
        .base64Content,
      'base64',
    ).toString('utf8');
    expect(catalogInfo).toContain('type: model-server');
    expect(catalogInfo).toContain(
      'maas.kuadrant.io/inference-service: llm/qwen3',
    );
    // The apply step and the name check (cluster side effects, reads) are skipped in a dry run.
    expect(result.steps.map((s: any) => s.id)).toEqual([
      'check-name',
      'render',
      'apply',
      'register-applied',
      'publish',
      'register',
    ]);
  });

  it("passes only the chosen runtime's fields, as the form keeps those of the other one", async () => {
    // What the form holds after a user opened "vLLM on GPU" and then chose the simulator.
    const result = await dryRun(
      formValues({
        delivery: 'publish',
        serving: {
          type: 'simulator',
          storageUri: 'hf://Qwen/Qwen3-0.6B',
          gpus: 1,
          cpu: '4',
          timeToFirstTokenMs: 10,
        },
      }),
    );
    const isvc = Buffer.from(
      result.directoryContents.find(
        (f: any) => f.path === 'manifests/inferenceservice.yaml',
      ).base64Content,
      'base64',
    ).toString('utf8');
    expect(isvc).toContain('llm-d-inference-sim');
    expect(isvc).not.toContain('nvidia.com/gpu');
  });

  it('stops at the render step with the field named when the input is bad', async () => {
    await expect(
      dryRun(
        formValues({
          tiers: [
            {
              name: 'free',
              requests: { limit: 5, window: '1d' },
              tokens: { limit: 1, window: '1m' },
            },
          ],
        }),
      ),
    ).rejects.toThrow(
      '400 {"error":{"name":"InputError","message":"The model cannot be created: tiers[0].requests.window: window \\"1d\\" is not a Kuadrant window',
    );
  });
});

/** The same dry run over real HTTP by three signed-in users; the tests' policy decides per user. */
describe('Create model template, per user', () => {
  const scaffolder = useScaffolder(
    () => ({
      maas: {
        namespace: 'llm',
        domainSuffix: 'maas.local',
        create: testCreateConfig,
      },
    }),
    { perUserPolicy: true },
  );

  const dryRunAs = (who: TestUser, values: Record<string, unknown>) =>
    scaffolder.call(
      'POST',
      '/v2/dry-run',
      {
        template: loadCreateModelTemplate(),
        values: formValues({ delivery: 'publish', ...values }),
        secrets: {},
        directoryContents: [],
      },
      who,
    );

  it.each([
    ['the admin', 'team-b-models', users.admin],
    ['a developer of team A', 'team-a-models', users.devA],
  ])('renders for %s into %s', async (_, namespace, who) => {
    const result = await dryRunAs(who, { namespace });
    expect(result.output.links[1]).toEqual({
      title: 'Model endpoint',
      url: 'http://qwen3.maas.local',
    });
  });

  it('refuses a developer of team B, who lacks maas.model.create', async () => {
    await expect(dryRunAs(users.devB, {})).rejects.toThrow(
      'user:default/bob may not create models: the permission policy does not grant maas.model.create',
    );
  });

  it("refuses a developer of team A in team B's namespace, naming the setting", async () => {
    await expect(
      dryRunAs(users.devA, { namespace: 'team-b-models' }),
    ).rejects.toThrow(
      'namespace \\"team-b-models\\" is not one you may create models in (maas.create.namespaces); yours: llm, team-a-models',
    );
  });
});
