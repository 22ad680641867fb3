import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  maasAuditReadPermission,
  maasModelReadPermission,
} from '@maas-portal/plugin-maas-common';
import { PermissionGate } from './PermissionGate';

const QWEN = 'component:default/qwen3';

describe('PermissionGate', () => {
  const authorize = jest.fn();
  const gate = new PermissionGate({
    httpAuth: mockServices.httpAuth(),
    permissions: mockServices.permissions.mock({ authorize }),
  });
  const credentials = mockCredentials.user('user:default/jane');
  beforeEach(() => authorize.mockReset());

  it('returns the decision with its reason, for basic and resource permissions', async () => {
    authorize.mockResolvedValueOnce([{ result: AuthorizeResult.ALLOW }]);
    expect(await gate.decide(credentials, maasAuditReadPermission)).toEqual({
      allowed: true,
      reason: 'The maas.audit.read permission is granted',
    });
    authorize.mockResolvedValueOnce([{ result: AuthorizeResult.DENY }]);
    expect(
      await gate.decide(credentials, maasModelReadPermission, QWEN),
    ).toEqual({
      allowed: false,
      reason: `You lack the maas.model.read permission on ${QWEN}`,
    });
    expect(authorize).toHaveBeenLastCalledWith(
      [{ permission: maasModelReadPermission, resourceRef: QWEN }],
      { credentials },
    );
  });

  it('throws NotAllowedError naming the permission', async () => {
    authorize.mockResolvedValueOnce([{ result: AuthorizeResult.DENY }]);
    await expect(
      gate.require(credentials, maasAuditReadPermission),
    ).rejects.toThrow(
      new NotAllowedError('You lack the maas.audit.read permission'),
    );
  });

  it('asks once for many entities, each once', async () => {
    authorize.mockResolvedValueOnce([
      { result: AuthorizeResult.ALLOW },
      { result: AuthorizeResult.DENY },
    ]);
    const allowed = await gate.allowedOn(credentials, maasModelReadPermission, [
      QWEN,
      'component:default/other',
      QWEN,
    ]);
    expect([...allowed]).toEqual([QWEN]);
    expect(authorize).toHaveBeenCalledTimes(1);
    authorize.mockClear();
    expect(
      await gate.allowedOn(credentials, maasModelReadPermission, []),
    ).toEqual(new Set());
    expect(authorize).not.toHaveBeenCalled();
  });
});
