import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

/** Opens the select of the tiers a key may move to, in the open "Change tier" dialog. */
export async function openSelect() {
  await userEvent.click(
    await screen.findByRole('button', { name: /New tier/ }),
  );
}

/** Opens "Change tier" on a key's row, then the select of the tiers it may move to. */
export async function openFromRow(displayPrefix: string) {
  await userEvent.click(
    await screen.findByRole('button', {
      name: `Change tier of key ${displayPrefix}`,
    }),
  );
  await openSelect();
}

/** Picks a tier in the open select and, unless it is empty, writes the reason. */
export async function choose(tier: RegExp, reason: string) {
  await userEvent.click(await screen.findByRole('option', { name: tier }));
  if (reason) {
    await userEvent.type(
      screen.getByRole('textbox', { name: /Reason/ }),
      reason,
    );
  }
}

/** Sends the change: the dialog says what came of it, and the backend got it for that key. */
export async function send(
  requestTierChange: jest.Mock,
  keyId: string,
  change: { tier: string; reason: string },
  outcome: string | RegExp,
) {
  await userEvent.click(screen.getByRole('button', { name: 'Change tier' }));
  expect(await screen.findByText(outcome)).toBeInTheDocument();
  expect(requestTierChange).toHaveBeenCalledWith(keyId, change);
}
