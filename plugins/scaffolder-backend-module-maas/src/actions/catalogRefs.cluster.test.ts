/*
 * Issue #20 LOW: a model's owner, System and Gateway are checked against the catalog and the
 * allowed gateways (`maas.create.gateways`) by `maas:model:apply` itself, so a crafted template
 * that skips the form's pickers is held to them. Run by the real scaffolder over HTTP as a
 * developer of team A, the admin, and a developer of team B (who may not create models).
 */
import { modelObjectsIn } from '../__testUtils__/harness';
import {
  applyInput,
  modelInput,
  simulatorServing,
} from '../__testUtils__/modelInputs';
import { useCraftedApply } from '../__testUtils__/craftedApplyTemplate';
import { TestUser, users } from '../__testUtils__/users';
import { ModelInput } from '../manifests/validateModelSpec';

jest.setTimeout(120000);

describe('LOW: owner, System and Gateway of Create model against the catalog and maas.create.gateways (scaffolder over HTTP)', () => {
  const crafted = useCraftedApply('refs-apply', 'maas-refs');
  const { cluster, ns } = crafted;

  async function run(as: TestUser, overrides: Partial<ModelInput>) {
    const values = applyInput(
      modelInput({ name: 'refs', serving: simulatorServing, ...overrides }),
      ns(),
    );
    // A gateway given in the overrides stands (applyInput puts the test namespace's).
    if (overrides.gateway) values.model.gateway = overrides.gateway as any;
    return crafted.run(as, values);
  }

  const REFUSED: Array<[string, Partial<ModelInput>, () => string]> = [
    [
      'an owner that is no catalog Group or User',
      { owner: 'group:default/nobody' },
      () =>
        'The model cannot be created: owner "group:default/nobody" is no Group or User in the catalog',
    ],
    [
      'a System that is not in the catalog',
      { system: 'nowhere' },
      () =>
        'The model cannot be created: system "system:default/nowhere" is no System in the catalog',
    ],
    [
      'a gateway outside maas.create.gateways',
      { gateway: { name: 'other-gateway', namespace: 'llm' } },
      () =>
        `gateway "llm/other-gateway" is not one models may attach to (maas.create.gateways); allowed: ${ns()}/inference-gateway`,
    ],
  ];

  it.each(REFUSED)(
    'LOW: refuses %s, to a developer and the admin alike, naming the field',
    async (_what, overrides, refusal) => {
      for (const as of [users.devA, users.admin]) {
        const { status, log } = await run(as, overrides);
        expect({ as: as.userEntityRef, status }).toEqual({
          as: as.userEntityRef,
          status: 'failed',
        });
        expect(log).toContain(refusal());
      }
      expect(await modelObjectsIn(cluster.admin, ns())).toEqual([]);
    },
  );

  it('LOW: a developer of team B is refused before the catalog is asked', async () => {
    const { status, log } = await run(users.devB, {
      owner: 'group:default/nobody',
    });
    expect(status).toBe('failed');
    expect(log).toContain('user:default/bob may not create models');
    expect(log).not.toContain('nobody');
  });

  it('LOW: applies a model whose owner is a catalog User and whose System is in the catalog', async () => {
    const { status, log } = await run(users.devA, {
      owner: 'user:default/alice',
      system: 'maas',
    });
    expect({ status, log }).toMatchObject({ status: 'completed' });
    expect(
      (await modelObjectsIn(cluster.admin, ns())).map(o => o.id),
    ).toContain('InferenceService/refs');
  });
});
