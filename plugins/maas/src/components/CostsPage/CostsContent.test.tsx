import { BudgetReport, CostReport } from '@maas-portal/plugin-maas-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MaasApi } from '../../api/MaasApi';
import { never, renderWithApis } from '../../__testUtils__/renderWithApis';
import { rejectWith } from '../../__testUtils__/responseError';
import { CostsContent } from './CostsContent';

const report = (overrides: Partial<CostReport> = {}): CostReport => ({
  start: Date.UTC(2026, 10, 1) / 1000,
  end: Date.UTC(2026, 10, 20, 12) / 1000,
  month: '2026-11',
  timeZone: 'UTC',
  scope: 'all',
  priced: true,
  currency: 'EUR',
  decimals: 2,
  users: [
    {
      ref: 'user:default/jane',
      title: 'Jane Doe',
      groups: ['group:default/team-a'],
      calls: 12345,
      tokens: 2500000,
      cost: 5.5,
    },
    {
      ref: 'user:default/bob',
      title: 'Bob',
      groups: [],
      calls: 10,
      tokens: 0,
      cost: null,
    },
  ],
  groups: [
    {
      ref: 'group:default/team-a',
      title: 'Team A',
      users: 1,
      calls: 12345,
      tokens: 2500000,
      cost: 5.5,
    },
  ],
  systems: [
    {
      ref: '',
      title: 'No system',
      users: 2,
      calls: 12355,
      tokens: 2500000,
      cost: 5.5,
    },
  ],
  models: [],
  total: { calls: 12355, tokens: 2500000, cost: 5.5 },
  warnings: [
    'No price in maas.pricing applies to llm/x in tier free: their cost is left out (add a tier or model price).',
  ],
  ...overrides,
});

/** The Budgets card's read (BudgetsCard.test.tsx tests it): no team has a budget here. */
const noBudgets = async (): Promise<BudgetReport> => ({
  month: '2026-11',
  timeZone: 'UTC',
  start: Date.UTC(2026, 10, 1) / 1000,
  end: Date.UTC(2026, 10, 20, 12) / 1000,
  monthEnd: Date.UTC(2026, 11, 1) / 1000,
  scope: 'all',
  currency: 'EUR',
  decimals: 2,
  budgets: [],
  warnings: [],
});

const render = (api: Partial<MaasApi>) =>
  renderWithApis(<CostsContent />, { getBudgets: noBudgets, ...api });

describe('CostsContent (the Costs page)', () => {
  it('shows progress while loading', async () => {
    await render({ getCosts: never });
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it("asks for the backend's current month first (no month: it knows its zone), then shows totals and a row per user with the currency", async () => {
    const getCosts = jest.fn(async () => report());
    await render({ getCosts });
    expect(getCosts).toHaveBeenCalledWith({});
    expect(await screen.findByLabelText('Total cost')).toHaveTextContent(
      'Total €5.50',
    );
    expect(screen.getByLabelText('Total calls')).toHaveTextContent(
      '12,355 calls',
    );
    expect(screen.getByLabelText('Total tokens')).toHaveTextContent(
      '2,500,000 tokens',
    );
    expect(
      screen.getByText('1 Nov 2026, 00:00 – 20 Nov 2026, 12:00 UTC'),
    ).toBeInTheDocument();
    const jane = screen.getByText('Jane Doe').closest('tr')!;
    expect(within(jane).getByText('12,345')).toBeInTheDocument();
    expect(within(jane).getByText('€5.50')).toBeInTheDocument();
    expect(within(jane).getByText('group:default/team-a')).toBeInTheDocument();
    const bob = screen.getByText('Bob').closest('tr')!;
    expect(within(bob).getByText('no price')).toBeInTheDocument();
    expect(
      screen.getByText(/No price in maas.pricing applies to llm\/x/),
    ).toBeInTheDocument();
    expect(screen.getByText('Cost (EUR)')).toBeInTheDocument();
  });

  it('switches to the group and system tables', async () => {
    await render({ getCosts: async () => report() });
    await userEvent.click(
      await screen.findByRole('tab', { name: 'Per group' }),
    );
    expect(screen.getByText('Team A')).toBeInTheDocument();
    expect(screen.getByText('Groups (1)')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('tab', { name: 'Per system' }));
    expect(screen.getByText('No system')).toBeInTheDocument();
  });

  it('says so when no pricing is configured, naming maas.pricing, and shows usage without costs', async () => {
    await render({
      getCosts: async () =>
        report({
          priced: false,
          currency: undefined,
          users: [{ ...report().users[0], cost: null }],
          total: { calls: 12345, tokens: 2500000, cost: null },
          warnings: [],
        }),
    });
    expect(
      await screen.findByText('No prices are configured'),
    ).toBeInTheDocument();
    expect(screen.getByText('maas.pricing')).toBeInTheDocument();
    expect(screen.getByLabelText('Total cost')).toHaveTextContent('Total —');
    expect(screen.getByText('Cost')).toBeInTheDocument();
  });

  it('says when nobody called in the range', async () => {
    await render({
      getCosts: async () =>
        report({
          users: [],
          groups: [],
          systems: [],
          total: { calls: 0, tokens: 0, cost: 0 },
          warnings: [],
        }),
    });
    expect(
      await screen.findByText('No calls in this range'),
    ).toBeInTheDocument();
  });

  it('says where the figures came from, as the backend words it', async () => {
    const detail =
      "From the recording rules (deploy/prometheus-rules.yaml): 29 days and 23 hours recorded; the 47 min at the edges read from Limitador's raw counters.";
    await render({
      getCosts: async () =>
        report({ source: { kind: 'recording-rules', detail } }),
    });
    expect(await screen.findByTestId('costs-source')).toHaveTextContent(detail);
  });

  it('tells a team lead whose groups they see', async () => {
    await render({
      getCosts: async () =>
        report({ scope: 'groups', ledGroups: ['group:default/team-a'] }),
    });
    expect(
      await screen.findByText(
        /You see the groups you lead \(group:default\/team-a\)/,
      ),
    ).toBeInTheDocument();
  });

  it('tells anyone else why they may not see costs', async () => {
    await render({
      getCosts: () =>
        rejectWith(
          403,
          'Costs are shown to admins (the maas.costs.read permission) and to team leads',
        ),
    });
    expect(
      await screen.findByText('You may not see costs'),
    ).toBeInTheDocument();
    expect(screen.getByText(/Costs are shown to admins/)).toBeInTheDocument();
  });

  it('says Prometheus is unreachable', async () => {
    await render({
      getCosts: () =>
        rejectWith(
          503,
          'Prometheus (maas.prometheus.url) is unreachable (ECONNREFUSED), so costs cannot be shown.',
        ),
    });
    expect(
      await screen.findByText('Prometheus is unreachable'),
    ).toBeInTheDocument();
  });

  it('says when no Prometheus is configured', async () => {
    await render({
      getCosts: () =>
        rejectWith(
          503,
          'No Prometheus is configured, so costs cannot be shown. Set maas.prometheus.url and restart the backend.',
        ),
    });
    expect(
      await screen.findByText('No Prometheus is configured'),
    ).toBeInTheDocument();
  });

  it("names the report's zone in the range and the month picker, whose month is the zone's", async () => {
    await render({
      getCosts: async () =>
        report({
          month: '2026-12',
          timeZone: 'Asia/Kolkata',
          start: Date.UTC(2026, 10, 30, 18, 30) / 1000,
          end: Date.UTC(2026, 11, 7, 6, 30) / 1000,
        }),
    });
    expect(
      await screen.findByText(
        '1 Dec 2026, 00:00 – 7 Dec 2026, 12:00 Asia/Kolkata',
      ),
    ).toBeInTheDocument();
    const kolkataMonth = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Asia/Kolkata',
      year: 'numeric',
      month: '2-digit',
    }).format(new Date());
    expect(screen.getByLabelText('Month (Asia/Kolkata)')).toHaveValue(
      kolkataMonth,
    );
    expect(screen.queryByLabelText('Month (UTC)')).toBeNull();
    // A custom range's days are the zone's days too.
    await userEvent.click(screen.getByLabelText('Range'));
    await userEvent.click(
      await screen.findByRole('option', { name: 'Custom range' }),
    );
    expect(screen.getByLabelText('From (Asia/Kolkata)')).toBeInTheDocument();
    expect(
      screen.getByLabelText('To (Asia/Kolkata, inclusive)'),
    ).toBeInTheDocument();
  });

  it('asks for a custom range on "Show", its last day included', async () => {
    const getCosts = jest.fn(async () => report());
    await render({ getCosts });
    await screen.findByLabelText('Total cost');
    await userEvent.click(screen.getByLabelText('Range'));
    await userEvent.click(
      await screen.findByRole('option', { name: 'Custom range' }),
    );
    const from = screen.getByLabelText('From (UTC)');
    await userEvent.clear(from);
    await userEvent.type(from, '2026-11-03');
    const to = screen.getByLabelText('To (UTC, inclusive)');
    await userEvent.clear(to);
    await userEvent.type(to, '2026-11-09');
    await userEvent.click(screen.getByRole('button', { name: 'Show' }));
    expect(getCosts).toHaveBeenLastCalledWith({
      start: '2026-11-03',
      end: '2026-11-10',
    });
  });

  it('downloads the table shown as the CSV the backend writes', async () => {
    const exportCosts = jest.fn(async () => ({
      fileName: 'maas-costs-2026-11-groups.csv',
      csv: 'ref,title\r\n',
    }));
    const createObjectURL = jest.fn(() => 'blob:costs');
    const revokeObjectURL = jest.fn();
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    const clicks: string[] = [];
    jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function recordDownload(this: HTMLAnchorElement) {
        clicks.push(this.download);
      });
    await render({ getCosts: async () => report(), exportCosts });
    await userEvent.click(
      await screen.findByRole('tab', { name: 'Per group' }),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Download CSV' }));
    expect(exportCosts).toHaveBeenCalledWith({ table: 'groups' });
    expect(clicks).toEqual(['maas-costs-2026-11-groups.csv']);
    expect(revokeObjectURL).toHaveBeenCalledWith('blob:costs');
  });

  it("shows the month's budgets under the totals, and no Budgets card without prices", async () => {
    const getBudgets = jest.fn(noBudgets);
    const priced = await render({ getCosts: async () => report(), getBudgets });
    expect(await screen.findByLabelText('Budgets')).toHaveTextContent(
      /Soft budgets: calls are not blocked/,
    );
    // The month of the report shown.
    expect(getBudgets).toHaveBeenCalledWith({ month: '2026-11' });
    priced.unmount();
    getBudgets.mockClear();
    await render({
      getCosts: async () => report({ priced: false, currency: undefined }),
      getBudgets,
    });
    expect(
      await screen.findByText('No prices are configured'),
    ).toBeInTheDocument();
    expect(screen.queryByLabelText('Budgets')).toBeNull();
    expect(getBudgets).not.toHaveBeenCalled();
  });
});
