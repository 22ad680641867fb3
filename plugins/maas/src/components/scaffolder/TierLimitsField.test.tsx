import { MaasStatus, TierDefinition } from '@maas-portal/plugin-maas-common';
import { fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { TierLimitsField } from './TierLimitsField';
import { TierLimitsRow } from './tierLimitProblems';

const portalTiers: TierDefinition[] = [
  {
    name: 'free',
    requests: { limit: 5, window: '2m' },
    tokens: { limit: 100000, window: '1m' },
    approval: 'auto',
  },
  {
    name: 'premium',
    requests: { limit: 20, window: '2m' },
    tokens: { limit: 500000, window: '1m' },
    approval: 'manual',
  },
];

/** The field inside a form that keeps its value, as the scaffolder's form does. */
function Form(props: { initial: TierLimitsRow[]; seen: TierLimitsRow[][] }) {
  const [rows, setRows] = useState(props.initial);
  return (
    <TierLimitsField
      {...({} as any)}
      formData={rows}
      onChange={(next: TierLimitsRow[]) => {
        props.seen.push(next);
        setRows(next);
      }}
      schema={{ title: 'Tiers', type: 'array' }}
      idSchema={{ $id: 'root_tiers' } as any}
      rawErrors={[]}
      uiSchema={{}}
    />
  );
}

async function renderField(initial: TierLimitsRow[]) {
  const seen: TierLimitsRow[][] = [];
  await renderWithApis(<Form initial={initial} seen={seen} />, {
    getStatus: async () => ({ tiers: portalTiers } as unknown as MaasStatus),
  });
  return seen;
}

describe('TierLimitsField', () => {
  it("offers the portal's tiers and fills in a picked tier's limits", async () => {
    const seen = await renderField([{}]);
    await userEvent.click(await screen.findByLabelText(/Tier/));
    const options = await screen.findAllByRole('option');
    expect(options.map(o => o.textContent)).toEqual([
      'free (5 requests / 2m, 100000 tokens / 1m)',
      'premium (20 requests / 2m, 500000 tokens / 1m)',
    ]);
    await userEvent.click(options[1]);
    expect(seen.at(-1)).toEqual([
      {
        name: 'premium',
        requests: { limit: 20, window: '2m' },
        tokens: { limit: 500000, window: '1m' },
      },
    ]);
    expect(screen.getByLabelText('Requests per user')).toHaveValue(20);
  });

  it('refuses a window in days as typed, naming the allowed units', async () => {
    await renderField([
      {
        name: 'free',
        requests: { limit: 5, window: '2m' },
        tokens: { limit: 100000, window: '1m' },
      },
    ]);
    const window = await screen.findByLabelText('Requests window');
    fireEvent.change(window, { target: { value: '1d' } });
    expect(
      await screen.findByText(
        'window "1d" is not a Kuadrant window; use a number with h, m, s or ms, such as "2m" or "24h" (days are not accepted)',
      ),
    ).toBeInTheDocument();
    fireEvent.change(window, { target: { value: '24h' } });
    expect(screen.queryByText(/is not a Kuadrant window/)).toBeNull();
    fireEvent.change(screen.getByLabelText('Tokens per user'), {
      target: { value: '0' },
    });
    expect(
      screen.getByText('limit 0 must be a whole number above 0'),
    ).toBeInTheDocument();
  });

  it('adds and removes tiers with labelled buttons, without numbered headings', async () => {
    const seen = await renderField([
      {
        name: 'free',
        requests: { limit: 5, window: '2m' },
        tokens: { limit: 100000, window: '1m' },
      },
    ]);
    expect(
      await screen.findByRole('button', { name: 'Remove tier free' }),
    ).toBeDisabled();
    await userEvent.click(screen.getByRole('button', { name: 'Add tier' }));
    expect(seen.at(-1)!.map(r => r.name)).toEqual(['free', 'premium']);
    expect(screen.getByRole('region', { name: 'tier premium' })).toBeVisible();
    // Every portal tier is chosen: nothing more to add.
    expect(screen.getByRole('button', { name: 'Add tier' })).toBeDisabled();
    expect(screen.queryByText(/Tiers-1/)).toBeNull();
    await userEvent.click(
      within(screen.getByRole('region', { name: 'tier free' })).getByRole(
        'button',
        { name: 'Remove tier free' },
      ),
    );
    expect(seen.at(-1)!.map(r => r.name)).toEqual(['premium']);
  });
});
