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

  it('lists who changed what, and when, in words', async () => {
    const listAuditEvents = jest.fn(async () => [
      auditEvent({ action: 'request.approved' }),
    ]);
    await render({ listAuditEvents });
    expect(await screen.findByText('bob')).toBeInTheDocument();
    expect(screen.getByText('approved the request')).toBeInTheDocument();
    expect(screen.getByText('pending → approved')).toBeInTheDocument();
    expect(screen.getByText('“ok for the pilot”')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /qwen3/ })).toHaveAttribute(
      'href',
      '/catalog/default/resource/qwen3',
    );
    expect(listAuditEvents).toHaveBeenCalledWith({
      entityRef: undefined,
      limit: 500,
    });
  });

  it('shows names, short ids and no Secret names instead of UUIDs and refs', async () => {
    const keyId = '3f2a9c1e-8b7d-4e6f-9a0b-1c2d3e4f5a6b';
    await render({
      listAuditEvents: async () => [
        auditEvent({
          actor: 'user:default/alice',
          action: 'key.issued',
          subject: { type: 'key', id: keyId },
          fromState: undefined,
          toState: 'active',
          details: {
            tier: 'premium',
            owner: 'user:default/carol',
            secret: 'llm/maas-key-3f2a9c1e',
          },
        }),
      ],
    });
    expect(await screen.findByText('issued a key')).toBeInTheDocument();
    expect(screen.getByText('alice')).toBeInTheDocument();
    expect(screen.getByText('key 3f2a9c1e…')).toHaveAttribute(
      'title',
      `key ${keyId}`,
    );
    expect(screen.getByText('tier premium, for carol')).toBeInTheDocument();
    expect(screen.queryByText(/maas-key-/)).not.toBeInTheDocument();
    expect(screen.queryByText(/user:default/)).not.toBeInTheDocument();
    expect(screen.queryByText(new RegExp(keyId))).not.toBeInTheDocument();
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
