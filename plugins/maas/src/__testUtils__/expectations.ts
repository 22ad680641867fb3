import { screen } from '@testing-library/react';

/** An error the page cannot explain shows in full; its message may show more than once. */
export async function expectErrorInFull(message: RegExp) {
  expect((await screen.findAllByText(message)).length).toBeGreaterThan(0);
}

/** Without maas.key.request, "Request key" is gone and the user is told why. */
export async function expectNoRequestKey() {
  expect(
    await screen.findByText(/You may not ask for keys for this model/),
  ).toBeInTheDocument();
  expect(
    screen.queryByRole('button', { name: 'Request key' }),
  ).not.toBeInTheDocument();
}
