import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { model } from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { EndpointCard } from './EndpointCard';

describe('EndpointCard', () => {
  it('shows the URL with a copy button and the auth hint', async () => {
    await renderWithApis(<EndpointCard model={model()} />, {});
    expect(screen.getByLabelText('Endpoint URL')).toHaveTextContent(
      'https://qwen3.maas.local/v1',
    );
    expect(
      screen.getByRole('button', { name: 'Copy URL' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /Send your API key in the Authorization header as "APIKEY <key>"/,
      ),
    ).toBeInTheDocument();
  });

  it('switches between the curl, Python and JavaScript examples, each with a copy button', async () => {
    await renderWithApis(<EndpointCard model={model()} />, {});
    const examples = [
      ['curl', 'curl https://qwen3.maas.local'],
      ['Python', 'from openai import OpenAI'],
      ['JavaScript', "import OpenAI from 'openai'"],
    ];
    for (const [language, code] of examples) {
      // curl shows first; the others show once their tab is chosen.
      if (language !== 'curl') {
        await userEvent.click(screen.getByRole('tab', { name: language }));
      }
      expect(
        screen.getByRole('tabpanel', { name: `${language} example` }),
      ).toHaveTextContent(code);
      expect(
        screen.getByRole('button', { name: `Copy ${language} example` }),
      ).toBeInTheDocument();
    }
  });

  it('wraps a long call instead of clipping it', async () => {
    await renderWithApis(<EndpointCard model={model()} />, {});
    const panel = screen.getByRole('tabpanel', { name: 'curl example' });
    await waitFor(() => expect(panel.querySelector('code')).not.toBeNull());
    expect(panel.querySelector('code')!.getAttribute('style')).toMatch(
      /white-space: pre-wrap/,
    );
  });

  it('tells what to do when the model has no public URL', async () => {
    await renderWithApis(
      <EndpointCard model={model({ url: undefined, examples: undefined })} />,
      {},
    );
    expect(
      screen.getByText(/This model has no public URL yet/),
    ).toBeInTheDocument();
    expect(screen.queryByRole('tab')).not.toBeInTheDocument();
  });
});
