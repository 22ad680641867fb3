import { screen, within } from '@testing-library/react';
import { tiers } from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { responseError } from '../../__testUtils__/responseError';
import { TiersCard } from './TiersCard';

describe('TiersCard', () => {
  it('shows progress while loading', async () => {
    await renderWithApis(<TiersCard tiers={{ loading: true }} />, {});
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('shows the request and token limits of each tier, and who approves', async () => {
    await renderWithApis(
      <TiersCard tiers={{ loading: false, value: tiers() }} />,
      {},
    );
    const table = screen.getByRole('table', { name: 'Tiers' });
    const free = within(table).getByText('free').closest('tr')!;
    expect(free).toHaveTextContent('automatic');
    expect(free).toHaveTextContent('5 per 2m');
    expect(free).toHaveTextContent('100 per 1h');
    const premium = within(table).getByText('premium').closest('tr')!;
    expect(premium).toHaveTextContent('by an approver');
    expect(premium).toHaveTextContent('50,000 per 1h');
  });

  it('says "no token limit" in words for a tier without one', async () => {
    const value = tiers();
    value.tiers[1] = { ...value.tiers[1], name: 'enterprise', tokens: [] };
    await renderWithApis(<TiersCard tiers={{ loading: false, value }} />, {});
    const table = screen.getByRole('table', { name: 'Tiers' });
    const enterprise = within(table).getByText('enterprise').closest('tr')!;
    expect(enterprise).toHaveTextContent('20 per 2m');
    expect(enterprise).toHaveTextContent('no token limit');
    expect(enterprise).not.toHaveTextContent('—');
  });

  it('marks tiers found only in the cluster, limits for everyone, and warnings', async () => {
    const value = tiers();
    value.tiers[1] = {
      ...value.tiers[1],
      configured: false,
      approval: undefined,
    };
    value.everyone = [
      {
        rates: [{ limit: 1000, window: '1m' }],
        counters: [],
        predicates: [],
        source: {
          kind: 'RateLimitPolicy',
          namespace: 'llm',
          name: 'global',
          limitName: 'all',
          attachedTo: 'gateway',
          section: 'defaults',
        },
      },
    ];
    value.warnings = ['A limit names no tier the portal knows.'];
    await renderWithApis(<TiersCard tiers={{ loading: false, value }} />, {});
    expect(screen.getByText('found only in the cluster')).toBeInTheDocument();
    expect(screen.getByText('everyone').closest('tr')).toHaveTextContent(
      '1,000 per 1m',
    );
    expect(
      screen.getByText('A limit names no tier the portal knows.'),
    ).toBeInTheDocument();
  });

  it('keeps headings and tier names on one line', async () => {
    await renderWithApis(
      <TiersCard tiers={{ loading: false, value: tiers() }} />,
      {},
    );
    for (const header of screen.getAllByRole('columnheader')) {
      expect(getComputedStyle(header).whiteSpace).toBe('nowrap');
    }
    expect(getComputedStyle(screen.getByText('premium')).whiteSpace).toBe(
      'nowrap',
    );
  });

  it('says what to do when no limit applies', async () => {
    await renderWithApis(
      <TiersCard tiers={{ loading: false, value: tiers({ tiers: [] }) }} />,
      {},
    );
    expect(
      screen.getByText(/No rate limit applies to this model/),
    ).toBeInTheDocument();
  });

  it('shows an error', async () => {
    const error = await responseError(
      403,
      'You lack the maas.model.read permission',
    );
    await renderWithApis(<TiersCard tiers={{ loading: false, error }} />, {});
    expect(
      screen.getByText("You may not see this model's tiers"),
    ).toBeInTheDocument();
  });
});
