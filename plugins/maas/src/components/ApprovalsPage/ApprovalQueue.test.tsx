import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MaasApi } from '../../api/MaasApi';
import { expectErrorInFull } from '../../__testUtils__/expectations';
import { apiKey, keyRequest } from '../../__testUtils__/fixtures';
import { never, renderWithApis } from '../../__testUtils__/renderWithApis';
import { rejectWith } from '../../__testUtils__/responseError';
import { ApprovalQueue } from './ApprovalQueue';

const REQUESTS = [
  keyRequest({ id: 'r1', userEntityRef: 'user:default/alice' }),
  keyRequest({
    id: 'r2',
    userEntityRef: 'user:default/bob',
    model: 'llm/llama',
    entityRef: 'component:default/llama',
    tier: 'enterprise',
  }),
  keyRequest({ id: 'r3', userEntityRef: 'user:default/carol' }),
];

function render(api: Partial<MaasApi>) {
  const onDecided = jest.fn();
  return renderWithApis(<ApprovalQueue onDecided={onDecided} />, api).then(
    () => onDecided,
  );
}

const select = (user: string) =>
  screen.getByRole('checkbox', {
    name: new RegExp(`^Select request of user:default/${user} `),
  });

describe('ApprovalQueue', () => {
  it('shows progress while loading', async () => {
    await render({ listKeyRequests: never });
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('says when nothing waits for a decision', async () => {
    await render({ listKeyRequests: async () => [] });
    expect(
      await screen.findByText('No key requests wait for a decision.'),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Approve (0)' })).toBeDisabled();
  });

  it('says what the user may not do', async () => {
    await render({
      listKeyRequests: () =>
        rejectWith(403, 'You lack the maas.key.approve permission'),
    });
    expect(
      await screen.findByText('You may not review key requests'),
    ).toBeInTheDocument();
  });

  it('shows other errors', async () => {
    await render({
      listKeyRequests: () => rejectWith(500, 'the database is locked'),
    });
    await expectErrorInFull(/the database is locked/);
  });

  it('lists pending requests, asking the backend for the chosen state', async () => {
    const listKeyRequests = jest.fn(async () => REQUESTS);
    await render({ listKeyRequests });
    expect(await screen.findByText('alice')).toBeInTheDocument();
    expect(screen.getByText('bob')).toBeInTheDocument();
    // Each request's model links to the model's page instead of reading `llm/qwen3`.
    expect(screen.queryByText('llm/qwen3')).not.toBeInTheDocument();
    expect(screen.getAllByRole('link', { name: /qwen3/ })[0]).toHaveAttribute(
      'href',
      '/catalog/default/resource/qwen3',
    );
    // No empty rows pad the page to its size.
    const rows = screen.getAllByRole('row');
    expect(rows.filter(r => r.textContent === '')).toHaveLength(0);
    expect(listKeyRequests).toHaveBeenCalledWith({
      state: 'pending',
      entityRef: undefined,
      mine: undefined,
    });

    await userEvent.click(screen.getByRole('button', { name: /^State / }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'rejected' }),
    );
    expect(listKeyRequests).toHaveBeenLastCalledWith({
      state: 'rejected',
      entityRef: undefined,
      mine: undefined,
    });
  });

  it('LOW: approvers see the requested lifetime', async () => {
    await render({
      listKeyRequests: async () => [
        keyRequest({ id: 'r1', expiresInDays: 30 }),
        keyRequest({
          id: 'r2',
          userEntityRef: 'user:default/bob',
          expiresInDays: 1,
        }),
        keyRequest({
          id: 'r3',
          userEntityRef: 'user:default/carol',
          kind: 'tier-change',
        }),
      ],
    });
    await screen.findByText('alice');
    const cellOf = (user: string) => {
      const row = screen
        .getAllByRole('row')
        .find(r => within(r).queryByText(user))!;
      const headers = screen
        .getAllByRole('columnheader')
        .map(h => h.textContent);
      return within(row).getAllByRole('cell')[headers.indexOf('Lifetime')]
        .textContent;
    };
    expect(cellOf('alice')).toBe('30 days');
    expect(cellOf('bob')).toBe('1 day');
    // A tier change keeps its key's expiry: no lifetime to approve.
    expect(cellOf('carol')).toBe('—');
  });

  it('filters by model and tier', async () => {
    await render({ listKeyRequests: async () => REQUESTS });
    await screen.findByText('alice');
    await userEvent.click(screen.getByRole('button', { name: /^Model / }));
    await userEvent.click(
      // The model by its name, not its InferenceService's `llm/llama`.
      await screen.findByRole('option', { name: 'llama' }),
    );
    expect(screen.queryByText('alice')).not.toBeInTheDocument();
    expect(screen.getByText('bob')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: /^Tier / }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'premium' }),
    );
    expect(
      await screen.findByText('No key requests match these filters.'),
    ).toBeInTheDocument();
  });

  it('approves the chosen requests at once, with a comment', async () => {
    const decideKeyRequests = jest.fn(async () => [
      { id: 'r1', ok: true },
      { id: 'r3', ok: true },
    ]);
    const onDecided = await render({
      listKeyRequests: async () => REQUESTS,
      decideKeyRequests,
    });
    await screen.findByText('alice');
    await userEvent.click(select('alice'));
    await userEvent.click(select('carol'));
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Comment' }),
      'ok for the pilot',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Approve (2)' }));
    expect(decideKeyRequests).toHaveBeenCalledWith({
      ids: ['r1', 'r3'],
      decision: 'approve',
      comment: 'ok for the pilot',
    });
    expect(await screen.findByText('2 approved')).toBeInTheDocument();
    expect(onDecided).toHaveBeenCalled();
  });

  it('selects all shown requests and lists each failure of a rejection', async () => {
    const decideKeyRequests = jest.fn(async () => [
      { id: 'r1', ok: true },
      { id: 'r2', ok: false, error: 'The request was cancelled by its owner' },
      {
        id: 'r3',
        ok: true,
        warning: 'The cluster is unreachable; the key will be issued later',
      },
    ]);
    await render({ listKeyRequests: async () => REQUESTS, decideKeyRequests });
    await screen.findByText('alice');
    await userEvent.click(
      screen.getByRole('checkbox', { name: 'Select all 3 pending shown' }),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Reject (3)' }));
    // No rejection without a comment: the requesters read it as the reason.
    expect(
      screen.getByText(/A rejection needs a comment: say why/),
    ).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Comment' }),
      'use the free tier first',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Reject (3)' }));
    // A confirmation names who is refused and what they will read.
    const dialog = await screen.findByRole('dialog', {
      name: 'Reject 3 key requests?',
    });
    expect(within(dialog).getByText(/bob: enterprise key/)).toBeInTheDocument();
    expect(
      within(dialog).getByText(/rejected: use the free tier first/),
    ).toBeInTheDocument();
    expect(decideKeyRequests).not.toHaveBeenCalled();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Reject' }),
    );
    expect(decideKeyRequests).toHaveBeenCalledWith({
      ids: ['r1', 'r2', 'r3'],
      decision: 'reject',
      comment: 'use the free tier first',
    });
    expect(await screen.findByText('2 rejected, 1 failed')).toBeInTheDocument();
    // The page is aria-hidden until the confirmation's closing transition ends: wait for it.
    const failures = await screen.findByRole('list', {
      name: 'Failed decisions',
    });
    expect(
      within(failures).getByText('bob · llama · enterprise'),
    ).toBeInTheDocument();
    expect(
      within(failures).getByText('The request was cancelled by its owner'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'The cluster is unreachable; the key will be issued later',
      ),
    ).toBeInTheDocument();
    // The failed one stays selected for another try.
    expect(select('bob')).toBeChecked();
    expect(select('alice')).not.toBeChecked();
  });

  it('shows why a whole decision failed', async () => {
    await render({
      listKeyRequests: async () => REQUESTS,
      decideKeyRequests: () =>
        rejectWith(403, 'You lack the maas.key.approve permission'),
    });
    await screen.findByText('alice');
    await userEvent.click(select('alice'));
    await userEvent.click(screen.getByRole('button', { name: 'Approve (1)' }));
    expect(
      await screen.findByText(
        'Could not approve the requests: You lack the maas.key.approve permission',
      ),
    ).toBeInTheDocument();
  });

  it('does not offer decided requests for a decision', async () => {
    await render({
      listKeyRequests: async () => [keyRequest({ state: 'issued' })],
    });
    expect(await screen.findByText('alice')).toBeInTheDocument();
    expect(select('alice')).toBeDisabled();
  });

  it('offers only the requests the user may decide, and says why when none', async () => {
    await render({
      listKeyRequests: async () => [
        keyRequest({
          id: 'mine',
          userEntityRef: 'user:default/alice',
          canDecide: false,
        }),
        keyRequest({
          id: 'theirs',
          userEntityRef: 'user:default/bob',
          canDecide: false,
        }),
      ],
    });
    expect(await screen.findByText('bob')).toBeInTheDocument();
    expect(select('alice')).toBeDisabled();
    expect(select('bob')).toBeDisabled();
    expect(
      screen.getByText(
        /None of the pending requests shown here is yours to decide/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Approve (0)' })).toBeDisabled();
  });

  it('shows the key once when an approver approved their own request (self-approval on)', async () => {
    const own = keyRequest({ id: 'r1', userEntityRef: 'user:default/alice' });
    const revealKey = jest.fn(async () => ({
      key: apiKey({ id: 'r1' }),
      value: 'maas_own_secret_value',
    }));
    await render({
      listKeyRequests: async () => [own],
      decideKeyRequests: async () => [
        {
          id: 'r1',
          ok: true,
          request: { ...own, state: 'issued' as const, keyId: 'r1' },
        },
      ],
      revealKey,
    });
    await screen.findByText('alice');
    await userEvent.click(select('alice'));
    await userEvent.click(screen.getByRole('button', { name: 'Approve (1)' }));
    expect(await screen.findByLabelText('API key value')).toHaveTextContent(
      'maas_own_secret_value',
    );
    expect(revealKey).toHaveBeenCalledWith('r1');
    expect(
      screen.getByText(/You approved your own request/),
    ).toBeInTheDocument();
  });

  it("shows each request's key name and the requester as a link", async () => {
    await render({
      listKeyRequests: async () => [
        keyRequest({ id: 'r1', name: 'ci-pipeline' }),
      ],
    });
    expect(await screen.findByText('ci-pipeline')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'alice' })).toHaveAttribute(
      'href',
      '/catalog/default/user/alice',
    );
  });

  it('shows approvers why a request failed, and what was said on a rejection', async () => {
    await render({
      listKeyRequests: async () => [
        keyRequest({
          id: 'r1',
          state: 'failed',
          decidedBy: 'user:default/ops',
          decidedAt: '2025-01-02T11:00:00Z',
          failureReason: 'The model llm/qwen3 no longer exists',
        }),
        keyRequest({
          id: 'r2',
          state: 'rejected',
          decidedBy: 'user:default/ops',
          decidedAt: '2025-01-02T11:00:00Z',
          decisionComment: 'not this quarter',
        }),
      ],
    });
    expect(
      await screen.findByText('failed: The model llm/qwen3 no longer exists'),
    ).toBeInTheDocument();
    expect(screen.getByText('rejected: not this quarter')).toBeInTheDocument();
  });
});
