import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MaasApi } from '../../api/MaasApi';
import { apiKey, keyRequest } from '../../__testUtils__/fixtures';
import { never, renderWithApis } from '../../__testUtils__/renderWithApis';
import { rejectWith } from '../../__testUtils__/responseError';
import * as tierChange from '../../__testUtils__/tierChangeSteps';
import { KeysContent } from './KeysContent';
import { KeysPage } from './KeysPage';

const render = (api: Partial<MaasApi>) =>
  renderWithApis(<KeysContent />, { listKeyRequests: async () => [], ...api });

describe('KeysContent (My API keys)', () => {
  it('shows progress while loading', async () => {
    await render({ listKeys: never });
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('says how to get a first key when there is none', async () => {
    await render({ listKeys: async () => [] });
    expect(
      await screen.findByText('You have no API keys yet'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/go to its Usage tab and use "Request key"/),
    ).toBeInTheDocument();
  });

  it('shows an error the user can act on', async () => {
    await render({
      listKeys: () => rejectWith(403, 'You lack the maas.key.read permission'),
    });
    expect(
      await screen.findByText('You may not see your API keys'),
    ).toBeInTheDocument();
  });

  it('lists every key of the user across models, with state and dates', async () => {
    const listKeys = jest.fn(async () => [
      apiKey(),
      apiKey({
        id: 'key-2',
        model: 'llm/llama',
        entityRef: 'component:default/llama',
        displayPrefix: 'maas_Ll4m',
        tier: 'premium',
        state: 'rotating',
        overlapUntil: '2025-01-05T10:00:00Z',
      }),
      apiKey({ id: 'key-3', displayPrefix: 'maas_Old1', state: 'expired' }),
    ]);
    await render({ listKeys });
    const table = await screen.findByRole('table');
    for (const header of [
      'Model',
      'Tier',
      'Key',
      'State',
      'Created',
      'Expires',
      'Last used',
    ]) {
      expect(within(table).getByText(header)).toBeInTheDocument();
    }
    // The model is a link to its catalog page, not the InferenceService's `llm/llama`.
    expect(screen.queryByText('llm/llama')).not.toBeInTheDocument();
    expect(screen.getByRole('link', { name: /llama/ })).toHaveAttribute(
      'href',
      '/catalog/default/component/llama',
    );
    expect(screen.getByText('rotating')).toBeInTheDocument();
    expect(screen.getByText(/works until/)).toBeInTheDocument();
    expect(screen.getByText('expired')).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Revoke key maas_Old1' }),
    ).not.toBeInTheDocument();
    expect(listKeys).toHaveBeenCalledWith({ entityRef: undefined, mine: true });
  });

  it('revokes a key after a confirmation, then reloads', async () => {
    const revokeKey = jest.fn(async () => apiKey({ state: 'revoked' }));
    const listKeys = jest.fn(async () => [apiKey()]);
    await render({ listKeys, revokeKey });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Revoke key maas_k3Fz' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Revoke this key?',
    });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Revoke' }),
    );
    expect(revokeKey).toHaveBeenCalledWith('key-1');
    expect(listKeys).toHaveBeenCalledTimes(2);
  });

  it('does not revoke when the user cancels', async () => {
    const revokeKey = jest.fn();
    await render({ listKeys: async () => [apiKey()], revokeKey });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Revoke key maas_k3Fz' }),
    );
    await userEvent.click(
      within(await screen.findByRole('dialog')).getByRole('button', {
        name: 'Cancel',
      }),
    );
    expect(revokeKey).not.toHaveBeenCalled();
  });

  it('rotates a key and shows the new value once', async () => {
    const rotateKey = jest.fn(async () => ({
      key: apiKey({ id: 'key-9', displayPrefix: 'maas_N3w0' }),
      value: 'maas_N3w0_secret',
    }));
    await render({ listKeys: async () => [apiKey()], rotateKey });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Rotate key maas_k3Fz' }),
    );
    await userEvent.click(
      within(
        await screen.findByRole('dialog', { name: 'Rotate this key?' }),
      ).getByRole('button', { name: 'Rotate' }),
    );
    expect(await screen.findByLabelText('API key value')).toHaveTextContent(
      'maas_N3w0_secret',
    );
    expect(
      screen.getByText('This key will not be shown again. Store it now.'),
    ).toBeInTheDocument();
    expect(rotateKey).toHaveBeenCalledWith('key-1');
  });

  it('reveals an approved key that was not shown yet', async () => {
    const revealKey = jest.fn(async () => ({
      key: apiKey({ revealed: true }),
      value: 'maas_k3Fz_secret',
    }));
    await render({
      listKeys: async () => [apiKey({ revealed: false })],
      revealKey,
    });
    expect(
      await screen.findByText('approved, not yet revealed'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Rotate key maas_k3Fz' }),
    ).not.toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: 'Reveal key maas_k3Fz' }),
    );
    expect(await screen.findByLabelText('API key value')).toHaveTextContent(
      'maas_k3Fz_secret',
    );
  });

  it('says why a reveal failed when the key was shown already', async () => {
    await render({
      listKeys: async () => [apiKey({ revealed: false })],
      revealKey: () =>
        rejectWith(
          409,
          'The key was shown already; rotate it to get a new one',
        ),
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Reveal key maas_k3Fz' }),
    );
    expect(
      await screen.findByText(
        'Could not reveal the key: The key was shown already; rotate it to get a new one',
      ),
    ).toBeInTheDocument();
  });

  it('pages through a thousand keys without rendering them all', async () => {
    const keys = Array.from({ length: 1000 }, (_, i) =>
      apiKey({
        id: `key-${i}`,
        displayPrefix: `maas_${String(i).padStart(4, '0')}`,
      }),
    );
    await render({ listKeys: async () => keys });
    expect(await screen.findByText('maas_0000')).toBeInTheDocument();
    expect(screen.getByText('maas_0019')).toBeInTheDocument();
    expect(screen.queryByText('maas_0020')).not.toBeInTheDocument();
    expect(screen.getAllByRole('button', { name: /^Revoke key/ })).toHaveLength(
      20,
    );
  });

  it('lists the requests still waiting for approval', async () => {
    const listKeyRequests = jest.fn(async () => [keyRequest()]);
    await render({ listKeys: async () => [apiKey()], listKeyRequests });
    expect(await screen.findByText('My key requests')).toBeInTheDocument();
    expect(screen.getByText('Evaluating summarisation')).toBeInTheDocument();
    expect(screen.getByText('waiting for approval')).toBeInTheDocument();
    // Every state of one's own requests, not only the pending ones.
    expect(listKeyRequests).toHaveBeenCalledWith({
      entityRef: undefined,
      state: undefined,
      mine: true,
    });
  });

  it('keeps decided requests in view: who decided, when, the comment, or why it failed', async () => {
    await render({
      listKeys: async () => [],
      listKeyRequests: async () => [
        keyRequest({
          id: 'r-rejected',
          name: 'batch-eval',
          state: 'rejected',
          decidedBy: 'user:default/jane',
          decidedAt: '2025-01-02T11:00:00Z',
          decisionComment: 'use the free tier first',
        }),
        keyRequest({
          id: 'r-approved',
          state: 'issued',
          decidedBy: 'user:default/jane',
          decidedAt: '2025-01-02T11:00:00Z',
          decisionComment: 'ok for the demo',
        }),
        keyRequest({
          id: 'r-failed',
          state: 'failed',
          decidedBy: 'user:default/jane',
          decidedAt: '2025-01-02T11:00:00Z',
          failedAt: '2025-01-02T11:01:00Z',
          failureReason: 'The model llm/x no longer exists',
        }),
        keyRequest({ id: 'r-cancelled', state: 'cancelled' }),
      ],
    });
    expect(
      await screen.findByText('rejected: use the free tier first'),
    ).toBeInTheDocument();
    expect(screen.getByText('batch-eval')).toBeInTheDocument();
    expect(screen.getByText('approved: ok for the demo')).toBeInTheDocument();
    expect(
      screen.getByText('failed: The model llm/x no longer exists'),
    ).toBeInTheDocument();
    // The approver by name, linked to their catalog page, not `user:default/jane`.
    const approvers = screen.getAllByRole('link', { name: 'jane' });
    expect(approvers).toHaveLength(3);
    expect(approvers[0]).toHaveAttribute('href', '/catalog/default/user/jane');
    expect(screen.queryByText(/user:default\/jane/)).not.toBeInTheDocument();
    // What one cancelled oneself is gone.
    const requestsTable = screen
      .getByText('rejected: use the free tier first')
      .closest('table')!;
    expect(within(requestsTable).getAllByRole('row')).toHaveLength(4);
  });

  it("changes a key's tier with the portal's configured tiers, then loads keys and requests again", async () => {
    const listKeys = jest.fn(async () => [apiKey()]);
    const listKeyRequests = jest.fn(async () => []);
    const getStatus = jest.fn(async () => ({
      tiers: [
        {
          name: 'free',
          approval: 'auto' as const,
          requests: { limit: 5, window: '2m' },
          tokens: { limit: 100, window: '1h' },
        },
        {
          name: 'standard',
          approval: 'auto' as const,
          requests: { limit: 20, window: '2m' },
          tokens: { limit: 1000, window: '1h' },
        },
      ],
    }));
    const requestTierChange = jest.fn(async () =>
      keyRequest({ kind: 'tier-change', tier: 'standard', state: 'issued' }),
    );
    await render({
      listKeys,
      listKeyRequests,
      getStatus: getStatus as unknown as MaasApi['getStatus'],
      requestTierChange,
    });
    await tierChange.openFromRow('maas_k3Fz');
    await tierChange.choose(/standard/, 'nightly batch');
    await tierChange.send(
      requestTierChange,
      'key-1',
      { tier: 'standard', reason: 'nightly batch' },
      'Tier changed to standard; your key keeps working with the new limits.',
    );
    expect(listKeys).toHaveBeenCalledTimes(2);
    expect(listKeyRequests).toHaveBeenCalledTimes(2);
  });
});

describe('KeysPage', () => {
  it('is a page with its title, for apps on the legacy frontend system', async () => {
    await renderWithApis(<KeysPage />, {
      listKeys: async () => [],
      listKeyRequests: async () => [],
    });
    expect(
      screen.getByRole('heading', { name: 'My API keys' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('You have no API keys yet'),
    ).toBeInTheDocument();
  });
});
