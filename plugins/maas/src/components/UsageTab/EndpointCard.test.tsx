import { screen } from '@testing-library/react';
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
    expect(
      screen.getByRole('tabpanel', { name: 'curl example' }),
    ).toHaveTextContent('curl https://qwen3.maas.local');
    expect(
      screen.getByRole('button', { name: 'Copy curl example' }),
    ).toBeInTheDocument();

    await userEvent.click(screen.getByRole('tab', { name: 'Python' }));
    expect(
      screen.getByRole('tabpanel', { name: 'Python example' }),
    ).toHaveTextContent('from openai import OpenAI');
    expect(
      screen.getByRole('button', { name: 'Copy Python example' }),
    ).toBeInTheDocument();

    await userEvent.click(screen.getByRole('tab', { name: 'JavaScript' }));
    expect(
      screen.getByRole('tabpanel', { name: 'JavaScript example' }),
    ).toHaveTextContent("import OpenAI from 'openai'");
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
