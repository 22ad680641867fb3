/*
 * Issue #20 LOW: a refusal of Create model leaks nothing internal into the task log its user reads:
 * no URL (the API server's, the catalog's), no dump of an object. Each refusal of
 * `maas:model:apply` is driven through the real scaffolder over HTTP, as a developer who may create
 * models, a developer who may not and the admin, with values a hostile template could hand over.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { modelObjectsIn } from '../__testUtils__/harness';
import {
  applyInput,
  modelInput,
  simulatorServing,
} from '../__testUtils__/modelInputs';
import {
  craftedApplyTemplate,
  useCraftedApply,
} from '../__testUtils__/craftedApplyTemplate';
import { useScaffolder } from '../__testUtils__/templateBackend';
import { TestUser, users } from '../__testUtils__/users';

jest.setTimeout(120000);

const TEMPLATE = craftedApplyTemplate('refused-apply');

/** What a task log must never show its reader. */
const INTERNAL = /https?:\/\/|\{"/;

describe('LOW: refusals of Create model name no internal address and dump no object (scaffolder over HTTP)', () => {
  const { cluster, ns, run } = useCraftedApply(
    'refused-apply',
    'maas-refusals',
    {
      maxCpu: '100m',
    },
  );

  /** The rendered values of model `refused` in `namespace`; `craft` changes the objects. */
  const input = (
    craft: (objects: any[]) => void = () => {},
    namespace = ns(),
  ) => {
    const values = applyInput(
      modelInput({ name: 'refused', serving: simulatorServing }),
      namespace,
    );
    const manifests = structuredClone(values.manifests) as any[];
    craft(manifests);
    return { model: values.model, manifests };
  };
  const kind = (objects: any[], k: string) => objects.find(o => o.kind === k);

  const REFUSALS: Array<
    [string, TestUser, () => Record<string, unknown>, () => string]
  > = [
    [
      'no maas.model.create (developer of team B)',
      users.devB,
      () => input(),
      () => 'user:default/bob may not create models',
    ],
    [
      'a namespace outside maas.create.namespaces (developer of team A)',
      users.devA,
      () => input(undefined, 'kube-system'),
      () => 'namespace "kube-system" is not one you may create models in',
    ],
    [
      "a limit's predicate changed (developer of team A)",
      users.devA,
      () =>
        input(o => {
          kind(o, 'RateLimitPolicy').spec.limits[
            'free-user-requests'
          ].when[0].predicate = 'true';
        }),
      () =>
        `RateLimitPolicy ${ns()}/refused-rate-limits: spec.limits.free-user-requests.when[0].predicate is "true"; maas:model:render writes "`,
    ],
    [
      "the namespace's CPU cap (the admin)",
      users.admin,
      () => input(),
      () => 'above its cap (maas.create.namespaces[0].maxCpu)',
    ],
  ];

  it.each(REFUSALS)(
    'LOW: refuses %s with a log free of URLs and object dumps',
    async (_what, as, values, refusal) => {
      const { status, log } = await run(as, values());
      expect(status).toBe('failed');
      expect(log).toContain(refusal());
      expect(log).not.toMatch(INTERNAL);
      expect(await modelObjectsIn(cluster.admin, ns())).toEqual([]);
    },
  );
});

describe('LOW: a cluster that does not answer is said without its address (scaffolder over HTTP)', () => {
  /** A kubeconfig whose API server nothing listens on. */
  const unreachableKubeconfig = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maas-unreachable-'));
    const file = path.join(dir, 'kubeconfig');
    fs.writeFileSync(
      file,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          { name: 'gone', cluster: { server: 'https://127.0.0.1:1' } },
        ],
        users: [{ name: 'gone', user: { token: 'unused' } }],
        contexts: [
          { name: 'gone', context: { cluster: 'gone', user: 'gone' } },
        ],
        'current-context': 'gone',
      }),
    );
    return file;
  };
  const scaffolder = useScaffolder(
    () => ({
      maas: {
        cluster: { kubeconfig: unreachableKubeconfig() },
        create: { namespaces: [{ namespace: 'llm', maxGpus: 8 }] },
      },
    }),
    { perUserPolicy: true, templates: [TEMPLATE] },
  );

  it("LOW: refuses a developer's model whose namespace caps cannot be read, naming why and no URL", async () => {
    const values = applyInput(
      modelInput({ name: 'unreached', serving: simulatorServing }),
      'llm',
    );
    // The lock runTask holds is not needed here (no cluster is reached), and harmless.
    const { status, log } = await scaffolder.runTask(
      'template:default/refused-apply',
      values,
      users.devA,
    );
    expect(status).toBe('failed');
    expect(log).toContain(
      "The model cannot be created: the namespace's caps cannot be checked:",
    );
    expect(log).not.toMatch(INTERNAL);
    expect(log).not.toContain('127.0.0.1');
  });
});
