/*
 * M7: a crafted `maas:model:apply` step, run by the real scaffolder backend over HTTP, applies
 * only what `maas:model:render` writes for the same values: objects that keep the rendered shape
 * but change a value (the route's backend, an AuthPolicy rule, a container argument, the owner
 * annotation, a host name) are refused naming the object and the field, before the cluster is
 * reached. Three users: a developer of team A and an admin (both may create models), and a
 * developer of team B (may not).
 */
import { MAAS_MODEL_OWNER_ANNOTATION } from '@maas-portal/plugin-maas-common';
import { modelObjectsIn } from '../__testUtils__/harness';
import {
  applyInput,
  modelInput,
  simulatorServing,
} from '../__testUtils__/modelInputs';
import { useCraftedApply } from '../__testUtils__/craftedApplyTemplate';
import { users } from '../__testUtils__/users';

jest.setTimeout(120000);

const REFUSED =
  'The model cannot be created: the objects are not what maas:model:render writes for this model: ';

describe('M7: maas:model:apply checks values against the render (scaffolder over HTTP)', () => {
  const { cluster, run } = useCraftedApply('crafted-apply', 'maas-crafted');

  /** The rendered objects and values of model `crafted`; `craft` changes the objects. */
  const input = (craft: (objects: any[]) => void = () => {}) => {
    const values = applyInput(
      modelInput({ name: 'crafted', serving: simulatorServing }),
      cluster.namespace,
    );
    const manifests = structuredClone(values.manifests) as any[];
    craft(manifests);
    return { model: values.model, manifests };
  };
  const kind = (objects: any[], k: string) => objects.find(o => o.kind === k);

  const ns = () => cluster.namespace;
  const CRAFTS: Array<[string, (objects: any[]) => void, () => string]> = [
    [
      "the route's backend",
      o => {
        kind(o, 'HTTPRoute').spec.rules[0].backendRefs[0].name =
          'maas-backstage';
      },
      () =>
        `HTTPRoute ${ns()}/crafted-route: spec.rules[0].backendRefs[0].name is "maas-backstage"; maas:model:render writes "crafted-predictor"`,
    ],
    [
      'a rego rule',
      o => {
        kind(o, 'AuthPolicy').spec.rules.authorization['allow-tiers'].opa.rego =
          'allow { true }';
      },
      () =>
        `AuthPolicy ${ns()}/crafted-auth: spec.rules.authorization.allow-tiers.opa.rego is "allow { true }"; maas:model:render writes "tiers := split(`,
    ],
    [
      'an extra container argument',
      o => {
        kind(o, 'InferenceService').spec.predictor.containers[0].args.push(
          '--mode=echo',
        );
      },
      () =>
        `InferenceService ${ns()}/crafted: spec.predictor.containers[0].args[8] is "--mode=echo"; maas:model:render does not write it`,
    ],
    [
      'a foreign owner annotation',
      o => {
        kind(o, 'InferenceService').metadata.annotations[
          MAAS_MODEL_OWNER_ANNOTATION
        ] = 'group:default/team-b';
      },
      () =>
        `InferenceService ${ns()}/crafted: metadata.annotations["${MAAS_MODEL_OWNER_ANNOTATION}"] is "group:default/team-b"; maas:model:render writes "group:default/ml-team"`,
    ],
    [
      'another host name',
      o => {
        kind(o, 'HTTPRoute').spec.hostnames = ['portal.maas.local'];
      },
      () =>
        `HTTPRoute ${ns()}/crafted-route: spec.hostnames[0] is "portal.maas.local"; maas:model:render writes "crafted.maas.local"`,
    ],
  ];

  it.each(CRAFTS)(
    'M7: refuses %s to a developer who may create models, naming the object and field',
    async (_what, craft, refusal) => {
      const { status, log } = await run(users.devA, input(craft));
      expect(status).toBe('failed');
      expect(log).toContain(`${REFUSED}${refusal()}`);
      expect(await modelObjectsIn(cluster.admin, ns())).toEqual([]);
    },
  );

  it('M7: refuses a crafted route to the admin too, and the developer of team B before any check of the objects', async () => {
    const crafted = await run(users.admin, input(CRAFTS[0][1]));
    expect(crafted.status).toBe('failed');
    expect(crafted.log).toContain(`${REFUSED}${CRAFTS[0][2]()}`);

    const teamB = await run(users.devB, input());
    expect(teamB.status).toBe('failed');
    expect(teamB.log).toContain(
      'user:default/bob may not create models: the permission policy does not grant maas.model.create. Ask a portal admin for it.',
    );
    expect(await modelObjectsIn(cluster.admin, ns())).toEqual([]);
  });

  it('M7: applies the unmodified render for the admin', async () => {
    const { status, log } = await run(users.admin, input());
    expect({ status, log }).toMatchObject({ status: 'completed' });
    expect(
      (await modelObjectsIn(cluster.admin, ns())).map(o => o.id).sort(),
    ).toEqual([
      'AuthPolicy/crafted-auth',
      'HTTPRoute/crafted-route',
      'InferenceService/crafted',
      'RateLimitPolicy/crafted-rate-limits',
      'TokenRateLimitPolicy/crafted-token-limits',
    ]);
  });
});
