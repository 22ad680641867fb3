/*
 * The device flow's pages (RFC 8628: a person signs in on a browser for a command line), in the
 * plain style of the sign-in page; oidc-provider renders the form fields, these pages wrap them.
 */
import type { Configuration } from 'oidc-provider';

const page = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}: MaaS test bed</title>
<style>body{font-family:sans-serif;max-width:26rem;margin:4rem auto}input{width:100%;padding:.4rem;box-sizing:border-box}
button{margin-top:1rem;padding:.5rem 1.5rem}.error{color:#b00020}</style></head><body>${body}</body></html>`;

type DeviceFlow = NonNullable<
  NonNullable<Configuration['features']>['deviceFlow']
>;

export const deviceFlowPages: Pick<
  DeviceFlow,
  'userCodeInputSource' | 'userCodeConfirmSource' | 'successSource'
> = {
  async userCodeInputSource(ctx, form, _out, err) {
    const error = err
      ? `<p class="error" role="alert">That code is unknown or expired. Check it, or start again in your terminal.</p>`
      : '';
    ctx.body = page(
      'Enter your code',
      `<h1>Enter the code</h1><p>shown in your terminal.</p>${error}${form}<button type="submit" form="op.deviceInputForm">Continue</button>`,
    );
  },
  async userCodeConfirmSource(ctx, form, client, _deviceInfo, userCode) {
    ctx.body = page(
      'Confirm the code',
      `<h1>Sign in a device</h1><p><strong>${client.clientId}</strong> asks to sign in with code <code>${userCode}</code>. Continue only if your terminal shows this code.</p>${form}<button autofocus type="submit" form="op.deviceConfirmForm">Continue</button>`,
    );
  },
  async successSource(ctx) {
    ctx.body = page(
      'Signed in',
      '<h1>Signed in</h1><p>Go back to your terminal: it can now get its token.</p>',
    );
  },
};
