import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { KeyAccess } from './keyAccess';
import { PermissionGate } from './PermissionGate';

const JANE = 'user:default/jane';
const BOB = 'user:default/bob';
const BOSS = 'user:default/boss';
const QWEN = 'component:default/qwen3';
const OTHER = 'component:default/other';

/** The boss holds every permission on qwen3 and none on other; everyone may ask for keys. */
const authorize = jest.fn(async (requests: any[], options?: any) =>
  requests.map(r => ({
    result:
      r.permission.name === 'maas.key.request' ||
      (options?.credentials.principal.userEntityRef === BOSS &&
        r.resourceRef === QWEN)
        ? AuthorizeResult.ALLOW
        : AuthorizeResult.DENY,
  })),
);
const gate = new PermissionGate({
  httpAuth: mockServices.httpAuth(),
  permissions: mockServices.permissions.mock({ authorize }),
});
const access = new KeyAccess(gate);
const as = (user: string) => mockCredentials.user(user);
const janesKey = { id: 'k1', userEntityRef: JANE, entityRef: QWEN };

describe('KeyAccess', () => {
  beforeEach(() => authorize.mockClear());

  it('keeps seeing a value, rotating and cancelling to the owner, naming them', () => {
    expect(() => access.requireOwner(janesKey, JANE, 'see')).not.toThrow();
    expect(() => access.requireOwner(janesKey, BOSS, 'rotate')).toThrow(
      new NotAllowedError(`Only ${JANE}, its owner, can rotate key k1`),
    );
    expect(() =>
      access.requireRequester({ ...janesKey, id: 'r1' }, BOB),
    ).toThrow(new NotAllowedError(`Only ${JANE} can cancel key request r1`));
  });

  it('lets the owner revoke, and others only with maas.key.revoke on the model', async () => {
    await access.requireRevoke(as(JANE), janesKey, JANE);
    expect(authorize).not.toHaveBeenCalled();
    await access.requireRevoke(as(BOSS), janesKey, BOSS);
    await expect(access.requireRevoke(as(BOB), janesKey, BOB)).rejects.toThrow(
      new NotAllowedError(
        `Key k1 belongs to ${JANE}; revoking it takes the maas.key.revoke permission on ${QWEN}`,
      ),
    );
  });

  it('takes ownership and maas.key.request for a tier change', async () => {
    await access.requireTierChange(as(JANE), janesKey, JANE);
    await expect(
      access.requireTierChange(as(BOSS), janesKey, BOSS),
    ).rejects.toThrow(`Only ${JANE}, its owner, can change the tier of key k1`);
  });

  it('filters lists in one batched call per permission, and says which requests the caller may decide', async () => {
    const requests = [
      { id: 'r1', userEntityRef: JANE, entityRef: QWEN, state: 'pending' },
      { id: 'r2', userEntityRef: JANE, entityRef: OTHER, state: 'pending' },
      { id: 'r3', userEntityRef: BOB, entityRef: QWEN, state: 'issued' },
      { id: 'r4', userEntityRef: BOSS, entityRef: OTHER, state: 'pending' },
    ];
    const shown = await access.visibleRequests(as(BOSS), BOSS, requests);
    expect(shown.map(r => [r.id, r.canDecide])).toEqual([
      ['r1', true],
      ['r3', false],
      ['r4', false],
    ]);
    // approve on the two foreign entities, read on what approve did not allow, approve on the pending shown
    expect(authorize.mock.calls.map(([batch]) => batch.length)).toEqual([
      2, 1, 2,
    ]);
    expect(
      (await access.visibleKeys(as(JANE), JANE, requests)).map(r => r.id),
    ).toEqual(['r1', 'r2']);

    const refusal = await access.deciding(as(BOSS), requests);
    expect(refusal(requests[0])).toBeUndefined();
    expect(refusal(requests[1])).toBe(
      `You lack the maas.key.approve permission on ${OTHER}`,
    );
  });
});
