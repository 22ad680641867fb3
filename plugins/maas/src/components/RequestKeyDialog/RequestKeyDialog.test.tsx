import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MaasApi } from '../../api/MaasApi';
import { apiKey, entityRef, keyRequest } from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { rejectWith } from '../../__testUtils__/responseError';
import { TierChoice } from '../TierSelect';
import { RequestKeyDialog } from './RequestKeyDialog';

const TIERS: TierChoice[] = [
  { name: 'free', approval: 'auto', summary: '5 per 2m requests' },
  { name: 'premium', approval: 'manual' },
];

function render(api: Partial<MaasApi>, tiers = TIERS) {
  const onClose = jest.fn();
  const onRequested = jest.fn();
  return renderWithApis(
    <RequestKeyDialog
      open
      entityRef={entityRef}
      modelName="qwen3"
      tiers={tiers}
      onClose={onClose}
      onRequested={onRequested}
    />,
    api,
  ).then(() => ({ onClose, onRequested }));
}

async function fill(tier: RegExp, reason: string, days?: string) {
  await userEvent.click(screen.getByRole('button', { name: /Tier/ }));
  await userEvent.click(await screen.findByRole('option', { name: tier }));
  await userEvent.type(screen.getByRole('textbox', { name: /Reason/ }), reason);
  if (days !== undefined) {
    await userEvent.type(
      screen.getByRole('spinbutton', { name: /Expires in/ }),
      days,
    );
  }
}

describe('RequestKeyDialog', () => {
  it('asks for a tier and a reason before it sends', async () => {
    await render({});
    expect(screen.getByRole('button', { name: 'Request key' })).toBeDisabled();
    await fill(/free/, 'testing');
    expect(screen.getByRole('button', { name: 'Request key' })).toBeEnabled();
    expect(screen.getByText(/Approved at once/)).toBeInTheDocument();
  });

  it('refuses a number of days that is not whole and positive', async () => {
    await render({});
    await fill(/free/, 'testing', '0');
    expect(
      screen.getByText('A whole number of days above 0.'),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Request key' })).toBeDisabled();
  });

  it('shows the key once for a tier approved automatically', async () => {
    const createKeyRequest = jest.fn(async () => ({
      request: keyRequest({ tier: 'free', state: 'issued' as const }),
      issued: { key: apiKey(), value: 'maas_k3Fz_secret_value' },
    }));
    const { onRequested, onClose } = await render({ createKeyRequest });
    await fill(/free/, 'testing', '30');
    await userEvent.click(screen.getByRole('button', { name: 'Request key' }));
    expect(await screen.findByLabelText('API key value')).toHaveTextContent(
      'maas_k3Fz_secret_value',
    );
    expect(
      screen.getByText('This key will not be shown again. Store it now.'),
    ).toBeInTheDocument();
    expect(createKeyRequest).toHaveBeenCalledWith({
      entityRef,
      tier: 'free',
      reason: 'testing',
      expiresInDays: 30,
    });
    expect(onRequested).toHaveBeenCalled();
    await userEvent.click(
      screen.getByRole('button', { name: 'I have stored it' }),
    );
    expect(onClose).toHaveBeenCalled();
  });

  it('checks a key name as it is typed, and sends it trimmed', async () => {
    const createKeyRequest = jest.fn(async () => ({ request: keyRequest() }));
    await render({ createKeyRequest });
    await fill(/premium/, 'pilot');
    const name = screen.getByRole('textbox', { name: /Key name/ });
    await userEvent.type(name, '../etc');
    expect(
      screen.getByText(/The key name "..\/etc" is not allowed: use letters/),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Request key' })).toBeDisabled();
    await userEvent.clear(name);
    await userEvent.type(name, ' ci-pipeline ');
    expect(screen.getByRole('button', { name: 'Request key' })).toBeEnabled();
    await userEvent.click(screen.getByRole('button', { name: 'Request key' }));
    expect(createKeyRequest).toHaveBeenCalledWith(
      expect.objectContaining({ name: 'ci-pipeline', tier: 'premium' }),
    );
  });

  it('says the request waits for an approver for a manual tier', async () => {
    await render({ createKeyRequest: async () => ({ request: keyRequest() }) });
    await fill(/premium/, 'pilot');
    await userEvent.click(screen.getByRole('button', { name: 'Request key' }));
    expect(
      await screen.findByText(/waits for an approver/),
    ).toBeInTheDocument();
    expect(screen.queryByLabelText('API key value')).not.toBeInTheDocument();
  });

  it("shows the backend's error and keeps the form", async () => {
    await render({
      createKeyRequest: () =>
        rejectWith(409, 'You already have a pending request for this model'),
    });
    await fill(/premium/, 'pilot');
    await userEvent.click(screen.getByRole('button', { name: 'Request key' }));
    expect(
      await screen.findByText(
        'You already have a pending request for this model',
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: /Reason/ })).toHaveValue(
      'pilot',
    );
  });

  it('says what to do when no tier is configured', async () => {
    await render({}, []);
    expect(
      screen.getByText(/No tier is configured for this model/),
    ).toBeInTheDocument();
  });
});
