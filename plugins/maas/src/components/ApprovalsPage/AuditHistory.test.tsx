import { screen } from '@testing-library/react';
import { MaasApi } from '../../api/MaasApi';
import { expectErrorInFull } from '../../__testUtils__/expectations';
import { auditEvent } from '../../__testUtils__/fixtures';
import { never, renderWithApis } from '../../__testUtils__/renderWithApis';
import { rejectWith } from '../../__testUtils__/responseError';
import { AuditHistory } from './AuditHistory';

const render = (api: Partial<MaasApi>, deny: string[] = []) =>
  renderWithApis(<AuditHistory />, api, { deny });

describe('AuditHistory', () => {
  it('shows progress while loading', async () => {
    await render({ listAuditEvents: never });
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });

  it('lists who changed what, and when', async () => {
    const listAuditEvents = jest.fn(async () => [auditEvent()]);
    await render({ listAuditEvents });
    expect(await screen.findByText('user:default/bob')).toBeInTheDocument();
    expect(screen.getByText('key-request.approve')).toBeInTheDocument();
    expect(screen.getByText('pending → approved')).toBeInTheDocument();
    expect(screen.getByText('comment: ok for the pilot')).toBeInTheDocument();
    expect(listAuditEvents).toHaveBeenCalledWith({
      entityRef: undefined,
      limit: 500,
    });
  });

  it('says when nothing was recorded', async () => {
    await render({ listAuditEvents: async () => [] });
    expect(
      await screen.findByText('No key changes have been recorded yet.'),
    ).toBeInTheDocument();
  });

  it('shows an error', async () => {
    await render({
      listAuditEvents: () => rejectWith(500, 'audit table missing'),
    });
    await expectErrorInFull(/audit table missing/);
  });

  it('says the permission is missing, without asking the backend', async () => {
    const listAuditEvents = jest.fn();
    await render({ listAuditEvents }, ['maas.audit.read']);
    expect(
      await screen.findByText(/You may not read the audit history/),
    ).toBeInTheDocument();
    expect(listAuditEvents).not.toHaveBeenCalled();
  });
});
