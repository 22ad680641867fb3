import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { apiKey } from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { KeyRevealDialog } from './KeyReveal';

const issued = { key: apiKey(), value: 'maas_k3Fz_secret_value' };

describe('KeyRevealDialog', () => {
  it('shows the value once, monospace, with a copy button and a plain warning', async () => {
    await renderWithApis(
      <KeyRevealDialog issued={issued} onDone={jest.fn()} />,
      {},
    );
    const value = screen.getByLabelText('API key value');
    expect(value.tagName).toBe('CODE');
    expect(value).toHaveTextContent('maas_k3Fz_secret_value');
    expect(
      screen.getByRole('button', { name: 'Copy key' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('This key will not be shown again. Store it now.'),
    ).toBeInTheDocument();
  });

  it('closes only when the user confirms they stored it', async () => {
    const onDone = jest.fn();
    await renderWithApis(
      <KeyRevealDialog issued={issued} onDone={onDone} />,
      {},
    );
    await userEvent.keyboard('{Escape}');
    expect(onDone).not.toHaveBeenCalled();
    await userEvent.click(
      screen.getByRole('button', { name: 'I have stored it' }),
    );
    expect(onDone).toHaveBeenCalledTimes(1);
  });

  it('renders nothing without a key', async () => {
    await renderWithApis(<KeyRevealDialog onDone={jest.fn()} />, {});
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });
});
