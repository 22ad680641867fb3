import { screen } from '@testing-library/react';
import { MaasApi } from '../../api/MaasApi';
import { expectErrorInFull } from '../../__testUtils__/expectations';
import { auditEvent } from '../../__testUtils__/fixtures';
import { never, renderWithApis } from '../../__testUtils__/renderWithApis';
import { rejectWith } from '../../__testUtils__/responseError';
import { AuditHistory } from './AuditHistory';
import { auditSentenceText } from './AuditSentence';

const render = (api: Partial<MaasApi>, deny: string[] = []) =>
  renderWithApis(<AuditHistory />, api, { deny });

describe('AuditHistory', () => {
  it('shows progress while loading', async () => {
    await render({ listAuditEvents: never });
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });

  it('lists who changed what, and when, as a sentence with the users and the model linked', async () => {
    const listAuditEvents = jest.fn(async () => [
      auditEvent({
        actor: 'user:default/jane',
        action: 'request.approved',
        entityRef: 'component:default/qwen3',
        details: {
          owner: 'user:default/bob',
          tier: 'premium',
          comment: 'ok for the demo',
        },
      }),
    ]);
    await render({ listAuditEvents });
    const sentence = (await screen.findByText(/approved/)).closest('span')!;
    expect(sentence).toHaveTextContent(
      "jane approved bob's premium key for qwen3 — “ok for the demo”",
    );
    expect(screen.getByRole('link', { name: 'jane' })).toHaveAttribute(
      'href',
      '/catalog/default/user/jane',
    );
    expect(screen.getByRole('link', { name: 'bob' })).toHaveAttribute(
      'href',
      '/catalog/default/user/bob',
    );
    expect(screen.getByRole('link', { name: /qwen3/ })).toHaveAttribute(
      'href',
      '/catalog/default/component/qwen3',
    );
    expect(listAuditEvents).toHaveBeenCalledWith({
      entityRef: undefined,
      limit: 500,
    });
  });

  it('shows no UUIDs, entity refs or Secret names, and keeps them in a tooltip for admins', async () => {
    const keyId = '3f2a9c1e-8b7d-4e6f-9a0b-1c2d3e4f5a6b';
    await render({
      listAuditEvents: async () => [
        auditEvent({
          actor: 'maas:issuer',
          action: 'key.issued',
          subject: { type: 'key', id: keyId },
          fromState: undefined,
          toState: 'active',
          details: {
            tier: 'premium',
            owner: 'user:default/carol',
            name: 'ci-pipeline',
            secret: 'kuadrant-system/maas-key-3f2a9c1e',
          },
        }),
        auditEvent({
          id: 2,
          actor: 'maas:issuer',
          action: 'request.failed',
          details: {
            owner: 'user:default/carol',
            tier: 'enterprise',
            reason: 'The model llm/x no longer exists',
          },
        }),
      ],
    });
    expect(
      (await screen.findByText(/premium key “ci-pipeline”/)).closest('span')!,
    ).toHaveTextContent(
      "The portal issued carol's premium key “ci-pipeline” for resource:qwen3",
    );
    expect(
      screen.getByText(/No key could be issued/).closest('span')!,
    ).toHaveTextContent(
      "No key could be issued on carol's enterprise key request for resource:qwen3: The model llm/x no longer exists",
    );
    expect(screen.queryByText(/maas-key-/)).not.toBeInTheDocument();
    expect(screen.queryByText(/user:default/)).not.toBeInTheDocument();
    expect(screen.queryByText(new RegExp(keyId))).not.toBeInTheDocument();
    // The ids are one hover away.
    expect(
      screen.getByLabelText(`Identifiers: key ${keyId}`),
    ).toBeInTheDocument();
  });

  it('reads the other events as sentences too', () => {
    const says = (overrides: Parameters<typeof auditEvent>[0]) =>
      auditSentenceText(auditEvent(overrides));
    const bob = { owner: 'user:default/bob', tier: 'free' };
    expect(
      says({ action: 'request.rejected', details: { ...bob, comment: 'no' } }),
    ).toBe('bob rejected their own free key request for qwen3 — “no”');
    expect(
      says({
        actor: 'user:default/ops',
        action: 'key.revoked',
        details: bob,
      }),
    ).toBe("ops revoked bob's free key for qwen3");
    expect(
      says({
        actor: 'maas:scheduler',
        action: 'key.expired',
        details: bob,
      }),
    ).toBe("bob's free key for qwen3 expired");
    expect(
      says({
        action: 'key.renamed',
        details: { ...bob, fromName: 'a', name: 'b' },
      }),
    ).toBe('bob renamed their own free key for qwen3 from “a” to “b”');
    expect(
      says({
        actor: 'user:default/bob',
        action: 'request.created',
        details: { ...bob, tier: 'enterprise', name: 'batch' },
      }),
    ).toBe('bob asked for an enterprise key “batch” for qwen3');
    expect(
      says({
        actor: 'maas:auto-approval',
        action: 'request.approved',
        details: { ...bob, comment: 'Tier free is approved automatically' },
      }),
    ).toBe(
      "bob's free key for qwen3 was approved automatically, as its tier is",
    );
    // Events recorded before owners were: still a sentence.
    expect(
      says({
        actor: 'user:default/ops',
        action: 'request.approved',
        details: {},
      }),
    ).toBe('ops approved a key for qwen3');
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
