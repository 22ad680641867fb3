import { BudgetReport } from '@maas-portal/plugin-maas-common';
import { screen, waitFor, within } from '@testing-library/react';
import { never, renderWithApis } from '../../__testUtils__/renderWithApis';
import { rejectWith } from '../../__testUtils__/responseError';
import { BudgetsCard } from './BudgetsCard';

const budgets = (overrides: Partial<BudgetReport> = {}): BudgetReport => ({
  month: '2026-12',
  timeZone: 'UTC',
  start: Date.UTC(2026, 11, 1) / 1000,
  end: Date.UTC(2026, 11, 7, 12) / 1000,
  monthEnd: Date.UTC(2027, 0, 1) / 1000,
  scope: 'all',
  currency: 'EUR',
  decimals: 2,
  budgets: [
    {
      group: 'group:default/team-a',
      title: 'Team A',
      monthly: 500,
      spend: 612.5,
      share: 1.225,
      reached: 1,
      users: 3,
    },
    {
      group: 'group:default/team-b',
      title: 'Team B',
      monthly: 1200,
      spend: 1020,
      share: 0.85,
      reached: 0.8,
      users: 2,
    },
    {
      group: 'group:default/research',
      title: 'Research',
      monthly: 100,
      spend: 12.34,
      share: 0.1234,
      users: 1,
    },
  ],
  warnings: [],
  source: {
    kind: 'recording-rules',
    detail: 'From the recording rules: 1 to 7 Dec by day.',
  },
  ...overrides,
});

const render = (getBudgets: () => Promise<BudgetReport>) =>
  renderWithApis(<BudgetsCard month="2026-12" />, { getBudgets });

describe('BudgetsCard (Budgets on the Costs page)', () => {
  it('asks for the month shown, and says the budgets are soft', async () => {
    const getBudgets = jest.fn(async () => budgets());
    await render(getBudgets);
    expect(getBudgets).toHaveBeenCalledWith({ month: '2026-12' });
    expect(await screen.findByText('Budgets, 2026-12')).toBeInTheDocument();
    expect(
      screen.getByText(/Soft budgets: calls are not blocked/),
    ).toHaveTextContent(/team leads are notified at 80 % and 100 %/);
  });

  it('draws a bar per team with its spend against its budget in the currency, amber from 80 % and red from 100 %', async () => {
    await render(async () => budgets());
    const bar = async (team: string) =>
      screen.findByRole('progressbar', { name: `Budget of ${team}` });
    expect(await bar('Team A')).toHaveAttribute('aria-valuenow', '100');
    expect(await bar('Team A')).toHaveAttribute('data-level', 'over');
    expect(await bar('Team B')).toHaveAttribute('aria-valuenow', '85');
    expect(await bar('Team B')).toHaveAttribute('data-level', 'warning');
    expect(await bar('Research')).toHaveAttribute('data-level', 'under');
    expect(screen.getByLabelText('Spend of Team A')).toHaveTextContent(
      '€612.50 of €500.00 (122 %) — budget spent',
    );
    expect(screen.getByLabelText('Spend of Team B')).toHaveTextContent(
      '€1,020.00 of €1,200.00 (85 %)',
    );
    expect(screen.getByLabelText('Spend of Research')).toHaveTextContent(
      '€12.34 of €100.00 (12 %)',
    );
    // Where the month's figures came from, as its Costs report says.
    expect(
      screen.getByText('From the recording rules: 1 to 7 Dec by day.'),
    ).toBeInTheDocument();
  });

  it('says no team has a budget, and where an administrator sets one', async () => {
    await render(async () => budgets({ budgets: [] }));
    const card = await screen.findByLabelText('Budgets');
    expect(
      await within(card).findByText(/No team has a budget/),
    ).toHaveTextContent('maas.budgets');
  });

  it('tells a team lead none of their groups has a budget', async () => {
    await render(async () => budgets({ budgets: [], scope: 'groups' }));
    expect(
      await screen.findByText('None of the groups you lead has a budget.'),
    ).toBeInTheDocument();
  });

  it('says budgets need prices when the portal has none', async () => {
    await render(async () => budgets({ budgets: [], currency: undefined }));
    expect(
      await screen.findByText(/with no prices configured/),
    ).toBeInTheDocument();
  });

  it('shows nothing to whom costs are refused (the page says why), and says Prometheus is unreachable', async () => {
    const refused = await render(() =>
      rejectWith(403, 'Costs are shown to admins and to team leads'),
    );
    // While loading the card is there; refused, it goes.
    await waitFor(() => expect(screen.queryByLabelText('Budgets')).toBeNull());
    refused.unmount();
    await render(() =>
      rejectWith(
        503,
        'Prometheus (maas.prometheus.url) is unreachable (ECONNREFUSED), so costs cannot be shown.',
      ),
    );
    expect(
      await screen.findByText('Prometheus is unreachable'),
    ).toBeInTheDocument();
  });

  it('shows progress while loading', async () => {
    await render(never);
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });
});
