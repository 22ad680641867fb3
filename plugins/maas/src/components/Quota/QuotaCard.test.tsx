import { screen, within } from '@testing-library/react';
import { ModelQuota, ModelRefusals } from '@maas-portal/plugin-maas-common';
import { entityRef } from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { QuotaCard } from './QuotaCard';

const quota: ModelQuota = {
  source: 'limitador',
  userId: 'alice',
  tiers: [
    {
      tier: 'free',
      requests: {
        limitName: 'free-user-requests',
        limit: 5,
        window: '2m',
        windowSeconds: 120,
        remaining: 3,
        resetsInSeconds: 74,
      },
      tokens: null,
    },
  ],
  warnings: [],
};

function refusals(overrides: Partial<ModelRefusals> = {}): ModelRefusals {
  return {
    range: '24h',
    start: 0,
    end: 86400,
    scope: 'user',
    userId: 'alice',
    limitNames: true,
    refusals: [{ tier: 'free', limitName: 'free-user-requests', count: 12 }],
    total: 12,
    warnings: [],
    ...overrides,
  };
}

describe('QuotaCard', () => {
  it('shows what the user has left, in words, and which limit refused their calls', async () => {
    const getModelRefusals = jest.fn(async () => refusals());
    await renderWithApis(
      <QuotaCard entityRef={entityRef} mayReadAll={false} />,
      { getModelQuota: async () => quota, getModelRefusals },
    );
    const free = await screen.findByLabelText('Quota of tier free');
    expect(free).toHaveTextContent(
      'Requests: 3 of 5 requests left in this 2 m window, resets in 74 s',
    );
    expect(free).toHaveTextContent('Tokens: no token limit');
    expect(screen.getByText('live, from Limitador')).toBeInTheDocument();
    expect(await screen.findByLabelText('Refused calls')).toHaveTextContent(
      'Refused in the last 24 hours: 12 × free-user-requests (free).',
    );
    // Only the user's own refusals: no one else's are asked for.
    expect(getModelRefusals).toHaveBeenCalledTimes(1);
    expect(getModelRefusals).toHaveBeenCalledWith({
      entityRef,
      range: '24h',
      scope: 'user',
    });
    expect(
      screen.queryByText(/Refused calls per user/),
    ).not.toBeInTheDocument();
  });

  it('labels an estimate, says why there are no figures, and that Limitador reports no limit names', async () => {
    await renderWithApis(
      <QuotaCard entityRef={entityRef} mayReadAll={false} />,
      {
        getModelQuota: async () => ({
          ...quota,
          source: 'estimate',
          tiers: [{ ...quota.tiers[0], tokens: null }],
        }),
        getModelRefusals: async () =>
          refusals({
            limitNames: false,
            refusals: [{ tier: 'free', count: 4 }],
            warnings: [
              'Limitador does not report which limit refused a call: set `telemetry: exhaustive`.',
            ],
          }),
      },
    );
    expect(
      await screen.findByText('estimate, from the metrics'),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Quota of tier free')).toHaveTextContent(
      'about 3 of 5 requests left, by your calls in the last 2 m (estimate)',
    );
    expect(await screen.findByLabelText('Refused calls')).toHaveTextContent(
      '4 × a limit of its tier (free)',
    );
    expect(screen.getByText(/telemetry: exhaustive/)).toBeInTheDocument();
  });

  it('says why a user without a key has no quota, and that nothing was refused', async () => {
    await renderWithApis(
      <QuotaCard entityRef={entityRef} mayReadAll={false} />,
      {
        getModelQuota: async () => ({
          tiers: [],
          warnings: [],
          message:
            'You have no working key for this model, so no limit counts your calls yet.',
        }),
        getModelRefusals: async () => refusals({ refusals: [], total: 0 }),
      },
    );
    expect(
      await screen.findByText(/You have no working key/),
    ).toBeInTheDocument();
    expect(await screen.findByLabelText('Refused calls')).toHaveTextContent(
      'No call refused in the last 24 hours.',
    );
  });

  it("says one's own refusals cannot be told on a route without user labels, never that none were refused", async () => {
    const message =
      "Limitador's metrics for this route carry no user labels, so your own refused calls cannot be told from other people's.";
    await renderWithApis(
      <QuotaCard entityRef={entityRef} mayReadAll={false} />,
      {
        getModelQuota: async () => quota,
        getModelRefusals: async () =>
          refusals({ refusals: [], total: 0, message }),
      },
    );
    const line = await screen.findByLabelText('Refused calls');
    expect(line).toHaveTextContent(message);
    expect(line).not.toHaveTextContent('No call refused');
  });

  it("shows everyone's refusals per user to holders of maas.usage.read-all", async () => {
    await renderWithApis(<QuotaCard entityRef={entityRef} mayReadAll />, {
      getModelQuota: async () => quota,
      getModelRefusals: async ({ scope }) =>
        scope === 'all'
          ? refusals({
              scope: 'all',
              limitNames: false,
              warnings: [
                'Limitador does not report which limit refused a call: set `telemetry: exhaustive`.',
              ],
              refusals: [
                {
                  user: 'bob',
                  tier: 'free',
                  limitName: 'free-user-requests',
                  count: 40,
                },
                { user: 'carol', tier: 'premium', count: 2 },
                // A route without a TelemetryPolicy: Limitador counts no user or tier.
                { tier: null, count: 1 },
              ],
            })
          : refusals(),
    });
    const table = (
      await screen.findByText('Refused calls per user, last 24 hours')
    ).closest('div[class*="MuiPaper"]') as HTMLElement;
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map(r => r.textContent)).toEqual([
      'bobfreefree-user-requests40',
      'carolpremiumnot reported (telemetry is not exhaustive)2',
      'no user label (no TelemetryPolicy)—not reported (telemetry is not exhaustive)1',
    ]);
    expect(screen.getByText(/set `telemetry: exhaustive`/)).toBeInTheDocument();
  });
});
