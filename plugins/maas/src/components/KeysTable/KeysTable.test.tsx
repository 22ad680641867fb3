import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MaasApi } from '../../api/MaasApi';
import { apiKey, keyRequest } from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import * as tierChange from '../../__testUtils__/tierChangeSteps';
import { TierChoice } from '../TierSelect';
import { KeysTable } from './KeysTable';

const TIERS: TierChoice[] = [
  { name: 'free', approval: 'auto' },
  { name: 'premium', approval: 'manual' },
];

const KEYS = [
  apiKey({ id: 'k-active', displayPrefix: 'maas_Actv' }),
  apiKey({ id: 'k-unrevealed', displayPrefix: 'maas_NewK', revealed: false }),
  apiKey({ id: 'k-rotating', displayPrefix: 'maas_Rot8', state: 'rotating' }),
  apiKey({ id: 'k-revoked', displayPrefix: 'maas_Rvkd', state: 'revoked' }),
  apiKey({ id: 'k-expired', displayPrefix: 'maas_Expd', state: 'expired' }),
  apiKey({
    id: 'k-bob',
    displayPrefix: 'maas_BobK',
    userEntityRef: 'user:default/bob',
  }),
];

function render(
  api: Partial<MaasApi>,
  options: { tiers?: TierChoice[]; userEntityRef?: string } = {},
) {
  const onChanged = jest.fn();
  return renderWithApis(
    <KeysTable
      title="Keys"
      keys={KEYS}
      tiers={options.tiers}
      onChanged={onChanged}
    />,
    api,
    { userEntityRef: options.userEntityRef },
  ).then(() => ({ onChanged }));
}

const changeTierButton = (prefix: string) =>
  screen.queryByRole('button', { name: `Change tier of key ${prefix}` });

describe('KeysTable: change tier', () => {
  it('keeps tier names on one line, whatever the column width', async () => {
    await render({});
    const tier = (await screen.findAllByText('free'))[0].closest('td')!;
    expect(getComputedStyle(tier).whiteSpace).toBe('nowrap');
  });

  it("offers it on the signed-in user's active keys only", async () => {
    await render({}, { tiers: TIERS });
    expect(
      await screen.findByRole('button', {
        name: 'Change tier of key maas_Actv',
      }),
    ).toBeEnabled();
    expect(changeTierButton('maas_NewK')).toBeInTheDocument();
    for (const prefix of ['maas_Rot8', 'maas_Rvkd', 'maas_Expd', 'maas_BobK']) {
      expect(screen.getByText(prefix)).toBeInTheDocument();
      expect(changeTierButton(prefix)).not.toBeInTheDocument();
    }
    // next to Rotate and Revoke, in the same row
    const row = screen.getByText('maas_Actv').closest('tr')!;
    expect(
      within(row)
        .getAllByRole('button')
        .map(b => b.getAttribute('aria-label')),
    ).toEqual([
      'Rotate key maas_Actv',
      'Change tier of key maas_Actv',
      'Revoke key maas_Actv',
    ]);
  });

  it('offers it on no key of someone else', async () => {
    await render({}, { tiers: TIERS, userEntityRef: 'user:default/carol' });
    expect(await screen.findByText('maas_Actv')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Rotate key maas_Actv' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: /^Change tier of key/ }),
    ).not.toBeInTheDocument();
  });

  it('changes the tier and loads the list again', async () => {
    const requestTierChange = jest.fn(async () =>
      keyRequest({ kind: 'tier-change', tier: 'premium', state: 'pending' }),
    );
    const { onChanged } = await render({ requestTierChange }, { tiers: TIERS });
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Change tier of key maas_Actv',
      }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText(/Current tier:/)).toHaveTextContent(
      'Current tier: free',
    );
    await tierChange.openSelect();
    await tierChange.choose(/premium/, 'pilot');
    await tierChange.send(
      requestTierChange,
      'k-active',
      { tier: 'premium', reason: 'pilot' },
      /Your request waits for an approver/,
    );
    expect(onChanged).toHaveBeenCalledTimes(1);
  });
});
