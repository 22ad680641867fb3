import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MaasApi } from '../../api/MaasApi';
import { entityRef, usage } from '../../__testUtils__/fixtures';
import { never, renderWithApis } from '../../__testUtils__/renderWithApis';
import { rejectWith } from '../../__testUtils__/responseError';
import { UsageCharts } from './UsageCharts';

const render = (getModelUsage: MaasApi['getModelUsage'], mayReadAll = false) =>
  renderWithApis(
    <UsageCharts
      entityRef={entityRef}
      tiers={['free', 'premium']}
      mayReadAll={mayReadAll}
    />,
    { getModelUsage },
  );

describe('UsageCharts', () => {
  it('shows progress while loading', async () => {
    await render(never);
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('charts calls and tokens with their totals', async () => {
    await render(async () => usage());
    expect(
      await screen.findByRole('figure', {
        name: 'Authorized and limited calls',
      }),
    ).toBeInTheDocument();
    expect(screen.getByRole('figure', { name: 'Tokens' })).toBeInTheDocument();
    expect(screen.getByLabelText('Usage totals')).toHaveTextContent(
      '43 authorized calls, 3 limited, 4,300 tokens (your own usage)',
    );
  });

  it('loads the chosen range', async () => {
    const getModelUsage = jest.fn(async ({ range }) => usage({ range }));
    await render(getModelUsage);
    await screen.findByRole('figure', { name: 'Tokens' });
    expect(getModelUsage).toHaveBeenLastCalledWith({
      entityRef,
      range: '24h',
      scope: undefined,
    });
    await userEvent.click(screen.getByRole('button', { name: '7d' }));
    expect(getModelUsage).toHaveBeenLastCalledWith({
      entityRef,
      range: '7d',
      scope: undefined,
    });
    expect(screen.getByRole('button', { name: '7d' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
  });

  it('says plainly when nobody called the model', async () => {
    await render(async () =>
      usage({ authorized: [], limited: [], tokens: [], range: '1h' }),
    );
    expect(
      await screen.findByText(/No calls to this model in the last hour/),
    ).toBeInTheDocument();
    expect(screen.queryByRole('figure')).not.toBeInTheDocument();
  });

  it.each([
    [
      'replaces the charts with what to do when Prometheus is missing',
      'Prometheus is not configured. Set maas.prometheus.url.',
      /Set maas\.prometheus\.url/,
    ],
    [
      'names maas.prometheus.url when Prometheus is unreachable',
      'Prometheus at http://p:9090 is unreachable.',
      /Check maas\.prometheus\.url/,
    ],
  ])('%s', async (_case, message, advice) => {
    await render(() => rejectWith(503, message));
    expect(
      await screen.findByText('Usage charts need Prometheus'),
    ).toBeInTheDocument();
    expect(screen.getByText(advice)).toBeInTheDocument();
  });

  it('asks for a TelemetryPolicy when the metrics carry no per-user labels', async () => {
    await render(async () =>
      usage({
        perUserLabels: false,
        authorized: [{ tier: null, points: [[1, 2]], total: 2 }],
        limited: [],
        tokens: [],
      }),
    );
    expect(
      await screen.findByText(
        /Per-user usage needs a TelemetryPolicy on the Gateway/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('figure', { name: 'Authorized and limited calls' }),
    ).toBeInTheDocument();
  });

  it('says what the user may not see', async () => {
    await render(() =>
      rejectWith(
        403,
        'You lack the maas.usage.read-all permission on resource:default/qwen3',
      ),
    );
    expect(
      await screen.findByText("You may not see this model's usage"),
    ).toBeInTheDocument();
  });

  it('shows the top users and the scope switch to admins', async () => {
    const getModelUsage = jest.fn(async ({ scope }) =>
      usage({
        scope: scope ?? 'all',
        topUsers: [
          { user: 'alice', tier: 'free', calls: 12, tokens: 1200 },
          { user: 'bob', tier: 'premium', calls: 31, tokens: 3100 },
        ],
      }),
    );
    await render(getModelUsage, true);
    expect(await screen.findByText('Top users')).toBeInTheDocument();
    expect(screen.getByText('bob')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Everyone' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Mine' }));
    expect(getModelUsage).toHaveBeenLastCalledWith({
      entityRef,
      range: '24h',
      scope: 'user',
    });
  });

  it('shows the backend warnings', async () => {
    await render(async () =>
      usage({ warnings: ['vLLM metrics are missing for this model.'] }),
    );
    expect(
      await screen.findByText('vLLM metrics are missing for this model.'),
    ).toBeInTheDocument();
  });
});
