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

  it("says Limitador counts no tokens on a route with a RateLimitPolicy only, never its hits as tokens, with vLLM's served tokens for everyone", async () => {
    await render(async () =>
      usage({
        scope: 'all',
        tokens: [],
        counting: [
          {
            tier: 'free',
            basis: 'requests',
            tokensCounted: false,
            exact: true,
          },
        ],
        countingNotes: ['Counted for tier free under a RateLimitPolicy only.'],
        promptTokens: { tier: null, points: [], total: 30 },
        generationTokens: { tier: null, points: [], total: 42 },
      }),
    );
    expect(await screen.findByLabelText('Usage totals')).toHaveTextContent(
      '43 authorized calls, 3 limited, tokens not counted by Limitador on this route (the model server, vLLM, served 72 tokens) (everyone)',
    );
    expect(
      screen.getByText('Counted for tier free under a RateLimitPolicy only.'),
    ).toBeInTheDocument();
  });

  it('shows bounded calls and tokens as the range they lie in', async () => {
    const fixture = usage();
    await render(async () =>
      usage({
        // Only tier free's refusals carry no limit name: its figures are bounded.
        authorized: fixture.authorized.map(s =>
          s.tier === 'free' ? { ...s, totalAtLeast: s.total - 3 } : s,
        ),
        tokens: fixture.tokens.map(s =>
          s.tier === 'free' ? { ...s, totalAtLeast: s.total - 3 } : s,
        ),
        counting: [
          {
            tier: 'free',
            basis: 'requests-and-tokens',
            tokensCounted: true,
            exact: false,
          },
        ],
      }),
    );
    expect(await screen.findByLabelText('Usage totals')).toHaveTextContent(
      'between 40 and 43 authorized calls, 3 limited, between 4,297 and 4,300 tokens (your own usage)',
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

  /** The four states of missing data: each its own sentence and next step, none of the others'. */
  const STATES = {
    'no series': [
      async () =>
        usage({
          state: 'no-series',
          limitadorNamespace: 'llm/qwen3-route',
          authorized: [],
          limited: [],
          tokens: [],
        }),
      'No series for llm/qwen3-route',
      /check that Prometheus scrapes Limitador and that the route's rate limit policy is enforced/,
    ],
    'series without labels': [
      async () =>
        usage({
          state: 'no-user-labels',
          scope: 'all',
          perUserLabels: false,
          limitadorNamespace: 'llm/legacy-route',
          authorized: [{ tier: null, points: [[1_700_000_300, 2]], total: 2 }],
          limited: [],
          tokens: [],
        }),
      'Series without user and group labels',
      /add a TelemetryPolicy on the Gateway/,
    ],
    'Prometheus unreachable': [
      () =>
        rejectWith(
          503,
          'Prometheus (maas.prometheus.url) did not answer within 5000 ms, so usage cannot be shown. Ask the platform team to check that Prometheus is running and that maas.prometheus.url points at it.',
        ),
      'Prometheus is unreachable',
      /Ask the platform team to check that Prometheus is running/,
    ],
    'no calls': [
      async () =>
        usage({
          state: 'no-calls',
          range: '1h',
          authorized: [
            { tier: 'free', points: [[1_700_000_300, 0]], total: 0 },
          ],
          limited: [],
          tokens: [],
        }),
      'No calls to this model in the last hour with your keys',
      /a longer range may show earlier ones/,
    ],
  } as const;
  const sentences = Object.values(STATES).map(([, sentence]) => sentence);

  it.each(Object.entries(STATES))(
    'says "%s" in its own words, with a next step',
    async (_state, [load, sentence, next]) => {
      await render(load as MaasApi['getModelUsage']);
      expect(await screen.findByText(new RegExp(sentence))).toBeInTheDocument();
      expect(screen.getByText(next)).toBeInTheDocument();
      for (const other of sentences.filter(x => x !== sentence))
        expect(screen.queryByText(new RegExp(other))).not.toBeInTheDocument();
    },
  );

  it('charts no empty lines when the route has no series or no calls', async () => {
    await render(STATES['no calls'][0]);
    await screen.findByText(/No calls to this model/);
    expect(screen.queryByRole('figure')).not.toBeInTheDocument();
    expect(screen.queryByLabelText('Usage totals')).not.toBeInTheDocument();
  });

  it('says a route whose series have neither user labels nor authorized_hits (Limitador v2.0, Kuadrant 1.2) counts no tokens, and shows no token total', async () => {
    await render(async () =>
      usage({
        state: 'no-user-labels',
        scope: 'all',
        perUserLabels: false,
        hitsCounted: false,
        limitadorNamespace: 'llm/v12-route',
        authorized: [{ tier: null, points: [[1_700_000_300, 7]], total: 7 }],
        limited: [],
        tokens: [],
      }),
    );
    const alert = await screen.findByText(
      /Series without user and group labels/,
    );
    expect(alert.parentElement).toHaveTextContent(
      "Limitador's metrics for llm/v12-route carry no user or group labels and no authorized_hits, so " +
        "per-user and per-tier usage is unknown and tokens are not counted; the charts show everyone's calls. " +
        'Next step: ask the platform team to add a TelemetryPolicy on the Gateway with metrics.default.labels ' +
        'user: auth.identity.userid and group: auth.identity.groups (Kuadrant 1.3 or newer). Tokens are ' +
        'counted from Kuadrant 1.3 on (its Limitador exports authorized_hits), under a TokenRateLimitPolicy on the route.',
    );
    expect(screen.getByLabelText('Usage totals')).toHaveTextContent(
      '7 authorized calls, 0 limited, tokens not counted (no authorized_hits) (everyone)',
    );
  });

  it('keeps the labels sentence free of tokens where Limitador exports authorized_hits', async () => {
    await render(STATES['series without labels'][0]);
    const alert = await screen.findByText(
      /Series without user and group labels/,
    );
    expect(alert.parentElement).toHaveTextContent(
      "carry no user or group labels, so per-user and per-tier usage is unknown; the charts show everyone's calls.",
    );
    expect(alert.parentElement).not.toHaveTextContent(/authorized_hits/);
  });

  it("still charts everyone's calls where the series have no labels", async () => {
    await render(STATES['series without labels'][0]);
    expect(
      await screen.findByRole('figure', {
        name: 'Authorized and limited calls',
      }),
    ).toBeInTheDocument();
  });

  it.each([
    [
      'replaces the charts with what to do when Prometheus is not configured',
      503,
      'No Prometheus is configured, so usage cannot be shown. Set maas.prometheus.url and restart the backend.',
      'Usage charts need Prometheus',
      /Set maas\.prometheus\.url/,
    ],
    [
      'says what the user may not see',
      403,
      'You lack the maas.usage.read-all permission on resource:default/qwen3',
      "You may not see this model's usage",
      /maas\.usage\.read-all/,
    ],
  ])('%s', async (_, status, message, heading, detail) => {
    await render(() => rejectWith(status, message));
    expect(await screen.findByText(heading)).toBeInTheDocument();
    expect(screen.getByText(detail)).toBeInTheDocument();
  });

  it('names the unit of each chart and says how much data a longer range has', async () => {
    await render(async () => usage({ dataSince: 1_700_086_400 - 6 * 3600 }));
    expect(
      await screen.findByLabelText('Authorized and limited calls unit'),
    ).toHaveTextContent(
      /^calls per 5 min; each point counts the 5 min up to it/,
    );
    expect(screen.getByLabelText('Tokens unit')).toHaveTextContent(
      /^tokens per 5 min/,
    );
    // Six hours before the end, to the 5 min step of the first point with data.
    expect(screen.getByLabelText('Data covered')).toHaveTextContent(
      /points are 5 min apart\): 5\.9 to 6\.0 hours of the last 24 hours\.$/,
    );
  });

  it('gives both bounds of how much data a week has, its start being known to a 3 h step only', async () => {
    const end = 1_700_086_400;
    // Six hours of data: the first 3 h step with samples starts up to 3 h before them.
    await render(async () =>
      usage({
        range: '7d',
        start: end - 7 * 86400,
        end,
        stepSeconds: 10800,
        dataSince: end - 9 * 3600,
      }),
    );
    const covered = await screen.findByLabelText('Data covered');
    expect(covered).toHaveTextContent(
      /points are 3 h apart\): 6\.0 to 9\.0 hours of the last 7 days\.$/,
    );
    expect(covered).not.toHaveTextContent(/about 9/);
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
