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
      'Rename key maas_Actv',
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

describe('KeysTable: key names', () => {
  it("shows each key's name, and lets only the owner rename a working key", async () => {
    const named = [
      apiKey({ id: 'k-ci', displayPrefix: 'maas_CiCi', name: 'ci-pipeline' }),
      apiKey({
        id: 'k-bob',
        displayPrefix: 'maas_BobK',
        userEntityRef: 'user:default/bob',
        name: 'bobs key',
      }),
      apiKey({ id: 'k-old', displayPrefix: 'maas_Old1', state: 'revoked' }),
    ];
    const renameKey = jest.fn(async () =>
      apiKey({ id: 'k-ci', name: 'nightly' }),
    );
    const onChanged = jest.fn();
    await renderWithApis(
      <KeysTable title="Keys" keys={named} onChanged={onChanged} />,
      { renameKey },
    );
    const table = await screen.findByRole('table');
    expect(within(table).getByText('Name')).toBeInTheDocument();
    expect(within(table).getByText('ci-pipeline')).toBeInTheDocument();
    expect(within(table).getByText('bobs key')).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Rename key maas_BobK' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Rename key maas_Old1' }),
    ).not.toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('button', { name: 'Rename key maas_CiCi' }),
    );
    const dialog = await screen.findByRole('dialog');
    const field = within(dialog).getByRole('textbox', { name: 'Key name' });
    expect(field).toHaveValue('ci-pipeline');
    await userEvent.clear(field);
    await userEvent.type(field, 'no/slashes');
    expect(within(dialog).getByText(/is not allowed/)).toBeInTheDocument();
    expect(
      within(dialog).getByRole('button', { name: 'Save name' }),
    ).toBeDisabled();
    await userEvent.clear(field);
    await userEvent.type(field, 'nightly');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Save name' }),
    );
    expect(renameKey).toHaveBeenCalledWith('k-ci', 'nightly');
    expect(onChanged).toHaveBeenCalled();
  });
});

describe('KeysTable: last used', () => {
  it('says what an empty last use means, with the reason on hover', async () => {
    await renderWithApis(
      <KeysTable
        title="Keys"
        keys={[
          apiKey({
            id: 'k-seen',
            displayPrefix: 'maas_Seen',
            lastUsedAt: '2025-01-03T10:00:00Z',
            lastUse: 'seen',
          }),
          apiKey({
            id: 'k-idle',
            displayPrefix: 'maas_Idle',
            lastUsedAt: undefined,
            lastUse: 'not-seen',
            lastUseNote:
              'No call by alice on this model in the metrics of the last 7 days.',
          }),
          apiKey({
            id: 'k-none',
            displayPrefix: 'maas_None',
            lastUsedAt: undefined,
          }),
        ]}
        onChanged={jest.fn()}
      />,
      {},
    );
    const row = async (prefix: string) =>
      (await screen.findByText(prefix)).closest('tr')!;
    expect(await row('maas_Idle')).toHaveTextContent('not in 7 days');
    expect(
      screen.getByLabelText(/^not in 7 days\. No call by alice/),
    ).toBeInTheDocument();
    expect(await row('maas_Seen')).not.toHaveTextContent('not in 7 days');
    expect(
      within(await row('maas_None')).getAllByText('—').length,
    ).toBeGreaterThan(0);
  });
});

describe('KeysTable: a key the portal revoked', () => {
  it('LOW: says why in its row, and nothing of the kind on a key its owner revoked', async () => {
    const reason =
      'its Secret was deleted outside the portal, and the key value lived only there, so the gateway no longer accepts it; request a new key';
    await renderWithApis(
      <KeysTable
        title="Keys"
        keys={[
          apiKey({
            id: 'k-gone',
            displayPrefix: 'maas_Gone',
            state: 'revoked',
            revokedBy: 'maas:scheduler',
            revokedReason: reason,
          }),
          apiKey({
            id: 'k-mine',
            displayPrefix: 'maas_Mine',
            state: 'revoked',
            revokedBy: 'user:default/jane',
          }),
        ]}
        onChanged={jest.fn()}
      />,
      {},
    );
    const gone = (await screen.findByText('maas_Gone')).closest('tr')!;
    expect(
      within(gone).getByText(`by the portal: ${reason}`),
    ).toBeInTheDocument();
    const mine = screen.getByText('maas_Mine').closest('tr')!;
    expect(within(mine).queryByText(/by the portal/)).not.toBeInTheDocument();
  });
});
