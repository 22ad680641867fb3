import { screen, waitFor } from '@testing-library/react';
import { ResponseError } from '@backstage/errors';
import { TokenCheck } from '@maas-portal/plugin-maas-common';
import { entityRef } from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { TokenCheckLine } from './TokenCheckLine';

const check = (overrides: Partial<TokenCheck>): TokenCheck => ({
  state: 'counted',
  windowSeconds: 3600,
  threshold: 0.1,
  message: 'Token limits are counted: the model served 1,000 tokens.',
  ...overrides,
});

describe('TokenCheckLine', () => {
  it('warns, with the figures, when Limitador does not count the tokens the model serves', async () => {
    await renderWithApis(<TokenCheckLine entityRef={entityRef} />, {
      getTokenCheck: async () =>
        check({
          state: 'not-counted',
          servedTokens: 10000,
          countedTokens: 7000,
          uncountedShare: 0.3,
          message:
            'Token limits are not being counted: the model served 10,000 tokens in the last hour and Limitador counted 7,000 (30 % uncounted).',
        }),
    });
    const line = await screen.findByLabelText('Token limits');
    expect(line).toHaveTextContent('Token limits are not being counted');
    expect(line).toHaveTextContent('10,000');
    expect(line).toHaveTextContent('7,000');
    expect(line.className).toMatch(/MuiAlert-standardWarning/);
  });

  it('says so when they are counted, and shows nothing without a token limit or the permission', async () => {
    const counted = await renderWithApis(
      <TokenCheckLine entityRef={entityRef} />,
      {
        getTokenCheck: async () => check({}),
      },
    );
    expect(await screen.findByLabelText('Token limits')).toHaveTextContent(
      'Token limits are counted',
    );
    counted.unmount();

    const none = jest.fn(async () => check({ state: 'no-token-limit' }));
    const noLimit = await renderWithApis(
      <TokenCheckLine entityRef={entityRef} />,
      {
        getTokenCheck: none,
      },
    );
    await waitFor(() => expect(none).toHaveBeenCalled());
    expect(screen.queryByLabelText('Token limits')).not.toBeInTheDocument();
    noLimit.unmount();

    const refused = jest.fn(async () => {
      throw await ResponseError.fromResponse(
        new Response(
          JSON.stringify({ error: { name: 'NotAllowedError', message: 'no' } }),
          { status: 403, headers: { 'content-type': 'application/json' } },
        ) as any,
      );
    });
    await renderWithApis(<TokenCheckLine entityRef={entityRef} />, {
      getTokenCheck: refused,
    });
    await waitFor(() => expect(refused).toHaveBeenCalled());
    expect(screen.queryByLabelText('Token limits')).not.toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });
});
