import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MaasStatus } from '@maas-portal/plugin-maas-common';
import { MaasApi } from '../../api/MaasApi';
import {
  apiKey,
  keyRequest,
  tierDefinition,
} from '../../__testUtils__/fixtures';
import { never, renderWithApis } from '../../__testUtils__/renderWithApis';
import { rejectWith } from '../../__testUtils__/responseError';
import * as tierChange from '../../__testUtils__/tierChangeSteps';
import { TierChoice } from '../TierSelect';
import { ChangeTierDialog } from './ChangeTierDialog';

const TIERS: TierChoice[] = [
  { name: 'free', approval: 'auto' },
  { name: 'standard', approval: 'auto', summary: '20 per 1m requests' },
  { name: 'premium', approval: 'manual' },
];

/** `tiers: null` renders the dialog without tiers, so that it loads them itself. */
function render(api: Partial<MaasApi>, tiers: TierChoice[] | null = TIERS) {
  const onClose = jest.fn();
  const onChanged = jest.fn();
  return renderWithApis(
    <ChangeTierDialog
      open
      apiKey={apiKey({ tier: 'free' })}
      tiers={tiers ?? undefined}
      onClose={onClose}
      onChanged={onChanged}
    />,
    api,
  ).then(() => ({ onClose, onChanged }));
}

async function fill(tier: RegExp, reason: string) {
  await tierChange.openSelect();
  await tierChange.choose(tier, reason);
}

const submitButton = () => screen.getByRole('button', { name: 'Change tier' });

describe('ChangeTierDialog', () => {
  it('shows the current tier and offers only the other tiers', async () => {
    await render({});
    expect(
      screen.getByText('Change the tier of key maas_k3Fz'),
    ).toBeInTheDocument();
    expect(screen.getByText(/Current tier:/)).toHaveTextContent(
      'Current tier: free',
    );
    await tierChange.openSelect();
    const options = await screen.findAllByRole('option');
    expect(options.map(o => o.textContent)).toEqual([
      'standard (automatic)',
      'premium (needs approval)',
    ]);
  });

  it('asks for a reason before it sends', async () => {
    const requestTierChange = jest.fn();
    await render({ requestTierChange });
    expect(submitButton()).toBeDisabled();
    await fill(/standard/, '');
    expect(submitButton()).toBeDisabled();
    await userEvent.type(
      screen.getByRole('textbox', { name: /Reason/ }),
      '   ',
    );
    expect(submitButton()).toBeDisabled();
    await userEvent.type(
      screen.getByRole('textbox', { name: /Reason/ }),
      'more load',
    );
    expect(submitButton()).toBeEnabled();
    expect(requestTierChange).not.toHaveBeenCalled();
  });

  it('applies an automatic tier at once', async () => {
    const requestTierChange = jest.fn(async () =>
      keyRequest({
        kind: 'tier-change',
        tier: 'standard',
        state: 'issued',
        keyId: 'key-1',
      }),
    );
    const { onChanged, onClose } = await render({ requestTierChange });
    await fill(/standard/, ' nightly batch ');
    expect(
      screen.getByText(/20 per 1m requests\. Applied at once\./),
    ).toBeInTheDocument();
    await tierChange.send(
      requestTierChange,
      'key-1',
      { tier: 'standard', reason: 'nightly batch' },
      'Tier changed to standard; your key keeps working with the new limits.',
    );
    expect(onChanged).toHaveBeenCalledWith(
      expect.objectContaining({ state: 'issued' }),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(onClose).toHaveBeenCalled();
  });

  it('says a manual tier waits for an approver', async () => {
    const requestTierChange = jest.fn(async () =>
      keyRequest({ kind: 'tier-change', tier: 'premium', state: 'pending' }),
    );
    const { onChanged } = await render({ requestTierChange });
    await fill(/premium/, 'pilot');
    await tierChange.send(
      requestTierChange,
      'key-1',
      { tier: 'premium', reason: 'pilot' },
      'Your request waits for an approver; the key keeps its current tier until then.',
    );
    expect(onChanged).toHaveBeenCalled();
  });

  it("shows the backend's error and keeps the form", async () => {
    const { onChanged } = await render({
      requestTierChange: () =>
        rejectWith(
          409,
          'Key key-1 already has an open tier change (req-9, to premium)',
        ),
    });
    await fill(/premium/, 'pilot');
    await userEvent.click(submitButton());
    expect(
      await screen.findByText(
        'Key key-1 already has an open tier change (req-9, to premium)',
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent(/open tier change/);
    expect(screen.getByRole('textbox', { name: /Reason/ })).toHaveValue(
      'pilot',
    );
    expect(submitButton()).toBeEnabled();
    expect(onChanged).not.toHaveBeenCalled();
  });

  it("loads the portal's configured tiers when none are given", async () => {
    const getStatus = jest.fn(
      async () =>
        ({
          tiers: [
            tierDefinition('free', 'auto', 5, 100),
            tierDefinition('premium', 'manual', 20, 50000),
          ],
        } as Partial<MaasStatus> as MaasStatus),
    );
    await render({ getStatus }, null);
    await tierChange.openSelect();
    const options = await screen.findAllByRole('option');
    expect(options.map(o => o.textContent)).toEqual([
      'premium (needs approval)',
    ]);
    await userEvent.click(options[0]);
    expect(
      screen.getByText(/20 per 2m requests, 50,000 per 1h tokens/),
    ).toBeInTheDocument();
    expect(getStatus).toHaveBeenCalledTimes(1);
  });

  it('says why when the tiers cannot be loaded', async () => {
    await render(
      { getStatus: () => rejectWith(500, 'database is down') },
      null,
    );
    expect(
      await screen.findByText('Could not load the tiers: database is down'),
    ).toBeInTheDocument();
    expect(submitButton()).toBeDisabled();
  });

  it('shows progress while the tiers load', async () => {
    await render({ getStatus: never }, null);
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('says so when there is no other tier', async () => {
    await render({}, [{ name: 'free', approval: 'auto' }]);
    expect(screen.getByText(/No other tier is configured/)).toBeInTheDocument();
    expect(submitButton()).toBeDisabled();
  });
});
