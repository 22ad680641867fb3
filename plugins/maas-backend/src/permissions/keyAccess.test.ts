import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { NotAllowedError } from '@backstage/errors';
import {
  MAAS_BOUND_ENTITY_ANNOTATION,
  MAAS_MODEL_OWNER_ANNOTATION,
} from '@maas-portal/plugin-maas-common';
import { EntityBindings } from '../entities/EntityBindings';
import { KeyAccess } from './keyAccess';
import { PermissionGate } from './PermissionGate';
import {
  ADMIN,
  ADMIN_GROUP,
  DEV_B,
  DEV_A,
  examplePolicy,
  TEAM_A,
  TEAM_B,
  usersInfo,
} from '../__testUtils__/testUsers';

/** Model A's entity, and a mirror entity team B registered that points at model A too. */
const MODEL_A = 'component:llm/model-a';
const MIRROR = 'component:default/model-a-mirror';
const OTHER = 'component:default/other';

/** The example policy's own rules: admins everything; entity owners approve, read and revoke; everyone requests. */
const authorize = jest.fn(
  examplePolicy({ [MODEL_A]: TEAM_A, [MIRROR]: TEAM_B, [OTHER]: TEAM_B }),
);
const gate = new PermissionGate({
  httpAuth: mockServices.httpAuth(),
  permissions: mockServices.permissions.mock({ authorize }),
});
/** Model A's InferenceService names MODEL_A and team A; `other` names nothing (deployed by hand). */
const isvcs: Record<string, any> = {
  'llm/model-a': {
    metadata: {
      name: 'model-a',
      namespace: 'llm',
      uid: 'uid-a',
      annotations: {
        [MAAS_BOUND_ENTITY_ANNOTATION]: MODEL_A,
        [MAAS_MODEL_OWNER_ANNOTATION]: TEAM_A,
      },
    },
  },
  'llm/other': { metadata: { name: 'other', namespace: 'llm' } },
};
const bindings = new EntityBindings({
  state: {
    get: ((_kind: unknown, namespace: string, name: string) =>
      isvcs[`${namespace}/${name}`]) as any,
    list: (() => Object.values(isvcs)) as any,
    status: () => ({
      kind: 'InferenceService',
      state: 'synced',
      syncedAt: '2026-11-30T00:00:00Z',
      ageSeconds: 0,
    }),
  },
  userInfo: usersInfo(),
  adminGroups: [ADMIN_GROUP],
});
const accessWith = (allowSelfApproval: boolean) =>
  new KeyAccess({ gate, bindings, allowSelfApproval });
const access = accessWith(false);
const as = (user: string) => mockCredentials.user(user);
const devAsKey = { id: 'k1', userEntityRef: DEV_A, entityRef: MODEL_A };
const request = (
  id: string,
  userEntityRef: string,
  entityRef: string,
  model = 'llm/model-a',
) => ({ id, userEntityRef, entityRef, model, state: 'pending' });

describe('KeyAccess', () => {
  beforeEach(() => authorize.mockClear());

  it('keeps seeing a value, rotating and cancelling to the owner, naming them', () => {
    expect(() => access.requireOwner(devAsKey, DEV_A, 'see')).not.toThrow();
    expect(() => access.requireOwner(devAsKey, ADMIN, 'rotate')).toThrow(
      new NotAllowedError(`Only ${DEV_A}, its owner, can rotate key k1`),
    );
    expect(() =>
      access.requireRequester({ ...devAsKey, id: 'r1' }, DEV_B),
    ).toThrow(new NotAllowedError(`Only ${DEV_A} can cancel key request r1`));
  });

  it('lets the owner revoke, and others only with maas.key.revoke on the model', async () => {
    await access.requireRevoke(as(DEV_A), devAsKey, DEV_A);
    expect(authorize).not.toHaveBeenCalled();
    await access.requireRevoke(as(ADMIN), devAsKey, ADMIN);
    await expect(
      access.requireRevoke(as(DEV_B), devAsKey, DEV_B),
    ).rejects.toThrow(
      new NotAllowedError(
        `Key k1 belongs to ${DEV_A}; revoking it takes the maas.key.revoke permission on ${MODEL_A}`,
      ),
    );
  });

  it('refuses a mirror entity: its owner holds maas.key.approve on it, but model A names another entity', async () => {
    const mirrored = request('r1', DEV_A, MIRROR);
    const refusal = await access.deciding(as(DEV_B), DEV_B, [mirrored]);
    expect(refusal(mirrored)).toBe(
      `The InferenceService llm/model-a belongs to ${MODEL_A}, not to ${MIRROR}: keys and usage of the model are on ${MODEL_A}`,
    );
  });

  it('lets the cluster owner and admins decide, not a developer of another team', async () => {
    const devBs = request('r1', DEV_B, MODEL_A);
    expect((await access.deciding(as(DEV_A), DEV_A, [devBs]))(devBs)).toBe(
      undefined,
    );
    expect((await access.deciding(as(ADMIN), ADMIN, [devBs]))(devBs)).toBe(
      undefined,
    );
    const adminsOwn = request('r2', ADMIN, MODEL_A);
    expect(
      (await access.deciding(as(DEV_B), DEV_B, [adminsOwn]))(adminsOwn),
    ).toBe(`You lack the maas.key.approve permission on ${MODEL_A}`);
  });

  it('refuses the owner of an entity the cluster does not record as the model owner', async () => {
    // Team B owns OTHER in the catalog, but its InferenceService names no entity: only after adoption.
    const onOther = request('r1', DEV_A, OTHER, 'llm/other');
    expect(
      (await access.deciding(as(DEV_B), DEV_B, [onOther]))(onOther),
    ).toMatch(/names no catalog entity .* An admin can adopt it/);
  });

  it('refuses self-approval (four eyes), even to an admin, unless maas.approvals.allowSelfApproval', async () => {
    const own = request('r1', ADMIN, MODEL_A);
    expect((await access.deciding(as(ADMIN), ADMIN, [own]))(own)).toBe(
      'Key request r1 is your own; another approver must decide it (four eyes; maas.approvals.allowSelfApproval turns this off)',
    );
    const devAsOwn = request('r2', DEV_A, MODEL_A);
    expect(
      (await access.deciding(as(DEV_A), DEV_A, [devAsOwn]))(devAsOwn),
    ).toMatch(/is your own/);
    expect(
      (await accessWith(true).deciding(as(ADMIN), ADMIN, [own]))(own),
    ).toBeUndefined();
  });

  it('filters lists in one batched call per permission, and says which requests the caller may decide', async () => {
    const requests = [
      request('r1', DEV_B, MODEL_A),
      request('r2', DEV_B, OTHER, 'llm/other'),
      { ...request('r3', DEV_A, MODEL_A), state: 'issued' },
      request('r4', DEV_A, MODEL_A),
    ];
    const shown = await access.visibleRequests(as(DEV_A), DEV_A, requests);
    expect(shown.map(r => [r.id, r.canDecide])).toEqual([
      ['r1', true],
      ['r3', false],
      ['r4', false],
    ]);
    expect(
      (await access.visibleKeys(as(DEV_B), DEV_B, requests)).map(r => r.id),
    ).toEqual(['r1', 'r2']);
  });

  it("hides an earlier model's keys and requests from the owner of a model re-created under its name", async () => {
    // Model A is uid-a now; Bob's key and request were made for the model of that name before.
    const oldKey = {
      ...request('k-old', DEV_B, MODEL_A),
      modelUid: 'uid-before',
    };
    const newKey = { ...request('k-new', DEV_B, MODEL_A), modelUid: 'uid-a' };
    const legacy = request('k-legacy', DEV_B, MODEL_A);
    expect(
      (
        await access.visibleKeys(as(DEV_A), DEV_A, [oldKey, newKey, legacy])
      ).map(k => k.id),
    ).toEqual(['k-new', 'k-legacy']);
    // Bob still sees his own.
    expect(
      (await access.visibleKeys(as(DEV_B), DEV_B, [oldKey])).map(k => k.id),
    ).toEqual(['k-old']);
    expect((await access.deciding(as(ADMIN), ADMIN, [oldKey]))(oldKey)).toBe(
      'Key request k-old was made for an earlier model named llm/model-a, deleted since',
    );
  });
});
