import { screen } from '@testing-library/react';
import { ModelQuota, ModelRefusals } from '@maas-portal/plugin-maas-common';
import { apiKey } from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { KeyQuotas } from './KeyQuotas';

const left = (remaining: number, limit: number, window: string) => ({
  limitName: 'x',
  limit,
  window,
  windowSeconds: 60,
  remaining,
  resetsInSeconds: 30,
});

describe('KeyQuotas (My API keys)', () => {
  it("shows, per model and tier of the user's working keys, what is left and which limit refused calls", async () => {
    const getModelQuota = jest.fn(
      async (entityRef: string): Promise<ModelQuota> => ({
        source: 'limitador',
        tiers:
          entityRef === 'component:default/qwen3'
            ? [
                { tier: 'free', requests: left(3, 5, '2m'), tokens: null },
                {
                  tier: 'premium',
                  requests: left(20, 20, '2m'),
                  tokens: left(400000, 500000, '1m'),
                },
              ]
            : [{ tier: 'free', requests: left(0, 5, '2m'), tokens: null }],
        warnings: [],
      }),
    );
    const getModelRefusals = jest.fn(
      async (): Promise<ModelRefusals> => ({
        range: '24h',
        start: 0,
        end: 1,
        scope: 'user',
        limitNames: true,
        refusals: [{ tier: 'free', limitName: 'free-user-requests', count: 7 }],
        total: 7,
        warnings: [],
      }),
    );
    await renderWithApis(
      <KeyQuotas
        keys={[
          apiKey({
            id: 'a',
            entityRef: 'component:default/qwen3',
            tier: 'free',
            name: 'ci',
          }),
          apiKey({
            id: 'b',
            entityRef: 'component:default/qwen3',
            tier: 'premium',
            displayPrefix: 'maas_p1',
          }),
          apiKey({
            id: 'c',
            entityRef: 'component:default/simulator',
            tier: 'free',
          }),
          apiKey({
            id: 'd',
            entityRef: 'component:default/old',
            state: 'revoked',
          }),
        ]}
      />,
      { getModelQuota, getModelRefusals },
    );
    const qwen3 = await screen.findByLabelText('Quota on qwen3');
    expect(await screen.findAllByLabelText('Quota of tier free')).toHaveLength(
      2,
    );
    expect(qwen3).toHaveTextContent(
      'Key ci (maas_k3Fz) of tier free, counted per user and tier at the gateway.',
    );
    expect(qwen3).toHaveTextContent(
      '3 of 5 requests left in this 2 m window, resets in 30 s',
    );
    expect(qwen3).toHaveTextContent('400,000 of 500,000 tokens left');
    expect(qwen3).toHaveTextContent('Tokens: no token limit');
    // Refusals of the free tier under the free key, none under the premium one.
    expect(qwen3).toHaveTextContent(
      'Refused in the last 24 hours: 7 × free-user-requests (free).',
    );
    expect(qwen3).toHaveTextContent('No call refused in the last 24 hours.');
    expect(screen.getByLabelText('Quota on simulator')).toHaveTextContent(
      '0 of 5 requests left',
    );
    // A revoked key's model is not asked about.
    expect(getModelQuota.mock.calls.map(c => c[0]).sort()).toEqual([
      'component:default/qwen3',
      'component:default/simulator',
    ]);
    expect(screen.queryByLabelText('Quota on old')).not.toBeInTheDocument();
  });

  it('shows nothing without a working key', async () => {
    const getModelQuota = jest.fn();
    await renderWithApis(<KeyQuotas keys={[apiKey({ state: 'expired' })]} />, {
      getModelQuota,
    });
    expect(
      screen.queryByText('Quota left and refused calls'),
    ).not.toBeInTheDocument();
    expect(getModelQuota).not.toHaveBeenCalled();
  });
});
