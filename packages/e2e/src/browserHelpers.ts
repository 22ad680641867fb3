import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { harnessEnv, oidcUser } from '@maas-portal/harness/testing';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium, Locator, Page } from 'playwright-core';

/** Where the browser tests put their screenshots and figures (`e2e-test-report/` at the root). */
export const ARTIFACTS_ROOT =
  process.env.MAAS_E2E_ARTIFACTS ??
  resolvePackagePath('@maas-portal/e2e', '..', '..', 'e2e-test-report');

/**
 * A test's folder of the report (the report's root without `sub`), made if missing; `fresh`
 * empties it first, so that it holds only this run's screenshots.
 */
export function artifactsDir(sub?: string, options?: { fresh?: boolean }) {
  const dir = sub ? join(ARTIFACTS_ROOT, sub) : ARTIFACTS_ROOT;
  if (options?.fresh) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Debian's Chromium (never a downloaded browser), without its calls home. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Numbered full-page screenshots (`<prefix>07-<name>.png`) in `dir`, in the order taken; with an
 * element, only that element.
 */
export function screenshots(dir: string, prefix = '') {
  let shot = 0;
  return async (page: Page, name: string, element?: Locator) => {
    shot += 1;
    const path = join(
      dir,
      `${prefix}${String(shot).padStart(2, '0')}-${name}.png`,
    );
    if (element) await element.screenshot({ path });
    else await page.screenshot({ path, fullPage: true });
  };
}

/** Polls `check` until it returns a value (not undefined, not a throw); fails naming `what`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`${what} within ${timeoutMs / 1000} s`);
    await new Promise(r => setTimeout(r, 500));
  }
}

/** Signs in as the guest on the sign-in page and waits for the sidebar's Models link. */
export async function signInAsGuest(
  page: Page,
  appUrl: string,
  options?: { timeout?: number },
) {
  await page.goto(appUrl, { timeout: options?.timeout });
  await page
    .getByRole('button', { name: /enter/i })
    .click({ timeout: options?.timeout });
  await page
    .getByRole('link', { name: 'Models', exact: true })
    .first()
    .waitFor();
}

/**
 * The portal's OIDC sign-in as app-config.oidc.yaml sets it, on the harness's provider, given as
 * APP_CONFIG_ variables (set them in the test's process.env before the portal starts): the sign-in
 * page offers `providers` in that order.
 */
export function oidcSignInConfig(
  providers: Array<'oidc' | 'guest'> = ['oidc'],
): Record<string, string> {
  const prefix = 'APP_CONFIG_auth_providers_oidc_development_';
  return {
    APP_CONFIG_app_signIn_providers: JSON.stringify(providers),
    APP_CONFIG_app_signIn_oidcTitle: 'MaaS test bed',
    APP_CONFIG_auth_session_secret: harnessEnv('MAAS_AUTH_SESSION_SECRET'),
    [`${prefix}metadataUrl`]: `${harnessEnv(
      'MAAS_OIDC_ISSUER',
    )}/.well-known/openid-configuration`,
    [`${prefix}clientId`]: harnessEnv('MAAS_OIDC_CLIENT_ID'),
    [`${prefix}clientSecret`]: harnessEnv('MAAS_OIDC_CLIENT_SECRET'),
    [`${prefix}prompt`]: 'login',
    // The backend reads the issuer's discovery document once, while it starts: on a loaded
    // machine that takes longer than openid-client's default 10 s, and a failure then lasts.
    [`${prefix}timeout`]: '{"seconds":60}',
    // Real people: nobody decides their own request.
    APP_CONFIG_maas_approvals_allowSelfApproval: 'false',
  };
}

/**
 * Signs `username` (a person of the harness's provider) in on the portal's sign-in page, through
 * Backstage's popup and the provider's password page, and waits for the sidebar's Models link.
 * `onPasswordPage` sees the provider's page before it is sent.
 */
export async function signInThroughProvider(
  page: Page,
  appUrl: string,
  username: string,
  onPasswordPage?: (popup: Page) => Promise<void>,
) {
  await page.goto(appUrl);
  const [popup] = await Promise.all([
    page.waitForEvent('popup', { timeout: 120_000 }),
    page.getByRole('button', { name: 'Sign In' }).click(),
  ]);
  await popup.getByLabel('Username').fill(username);
  await popup.getByLabel('Password').fill(oidcUser(username).password);
  await onPasswordPage?.(popup);
  await popup.getByRole('button', { name: 'Sign in' }).click();
  await page
    .getByRole('link', { name: 'Models', exact: true })
    .first()
    .waitFor();
}

/** The guest's Backstage token, as the signed-in page holds it (its refresh cookie). */
export function guestToken(page: Page, backendUrl: string): Promise<string> {
  return page.evaluate(async url => {
    const r = await fetch(`${url}/api/auth/guest/refresh`, {
      headers: { 'X-Requested-With': 'XMLHttpRequest' },
      credentials: 'include',
    });
    return (await r.json()).backstageIdentity.token as string;
  }, backendUrl);
}

/** The messages of the Kubernetes tab's "problem retrieving Kubernetes objects" panel, if any. */
export async function kubernetesTabFetchErrors(page: Page): Promise<string[]> {
  const warning = page.getByText(/problem retrieving Kubernetes objects/);
  if (!(await warning.count())) return [];
  await warning.first().click();
  const text = await page
    .locator('.MuiAccordion-root')
    .filter({ has: warning })
    .first()
    .innerText();
  // eslint-disable-next-line no-console
  console.log(`Kubernetes tab warning: ${text}`);
  return text.match(/Error fetching Kubernetes resource: '[^']+'/g) ?? [];
}

/** The simulator's serving fields of "Create model" a test sets (the template's defaults otherwise). */
export interface SimulatorServing {
  /** The simulator's --inter-token-latency: how slowly it streams an answer. */
  interTokenLatencyMs?: number;
}

/** On "Create model" with a name typed: owner platform-team, then a simulator, up to the tiers. */
export async function chooseOwnerAndSimulator(
  page: Page,
  serving: SimulatorServing = {},
) {
  await page.getByLabel('Owner').fill('platform-team');
  await page.getByRole('option', { name: 'platform-team' }).click();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.locator('#root_serving_type').click();
  await page.getByRole('option', { name: 'Simulator (no GPU)' }).click();
  if (serving.interTokenLatencyMs !== undefined)
    await page
      .getByLabel('Inter-token latency (ms)')
      .fill(String(serving.interTokenLatencyMs));
  await page.getByRole('button', { name: 'Next' }).click();
}

/**
 * Fills in "Create model" for a simulator model with the template's defaults (owner
 * platform-team), up to its review page.
 */
export async function fillSimulatorModel(
  page: Page,
  name: string,
  serving?: SimulatorServing,
) {
  await page.getByLabel('Model name').fill(name);
  await chooseOwnerAndSimulator(page, serving);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Review' }).click();
}

/** Clicks Create on the review page and waits for the run's link to the model. */
export async function submitCreateModel(page: Page) {
  await page.getByRole('button', { name: 'Create' }).click();
  await page
    .getByRole('link', { name: /Open the model in the catalog/i })
    .waitFor({ timeout: 120_000 });
}

/**
 * Runs "Create model" for a simulator model, up to the run's link to the model; `shoot` is called
 * on the review page and at the end.
 */
export async function createSimulatorModel(
  page: Page,
  appUrl: string,
  name: string,
  shoot?: (step: 'review' | 'done') => Promise<void>,
  serving?: SimulatorServing,
) {
  await page.goto(`${appUrl}/create/templates/default/create-model`);
  await fillSimulatorModel(page, name, serving);
  await shoot?.('review');
  await submitCreateModel(page);
  await shoot?.('done');
}

/**
 * Waits for the model's own objects on its Kubernetes tab (Create model labels each with the
 * entity's label selector), with the cluster's panel open.
 */
export async function kubernetesTabModelObjects(page: Page, model: string) {
  await page
    // The plugin's versions name the cluster "Cluster: harness" or "harness" over "Cluster".
    .getByText(/^(Cluster: )?harness$/)
    .first()
    .click();
  for (const object of [
    model,
    `${model}-route`,
    `${model}-auth`,
    `${model}-rate-limits`,
    `${model}-token-limits`,
  ])
    await page
      .locator('.MuiAccordionSummary-root')
      .getByText(object, { exact: true })
      .first()
      .waitFor();
}

/** On a model's Usage tab: Request key, the tier, the reason and (optionally) the key's name, sent. */
export async function sendKeyRequest(
  page: Page,
  tier: string,
  reason: string,
  name?: string,
) {
  await page.getByRole('button', { name: 'Request key' }).click();
  await page.locator('#maas-request-key-tier').click();
  await page.getByRole('option', { name: new RegExp(`^${tier}`) }).click();
  await page.getByRole('textbox', { name: 'Reason' }).fill(reason);
  if (name) await page.getByLabel('Key name (optional)').fill(name);
  await page
    .getByRole('dialog')
    .getByRole('button', { name: 'Request key' })
    .click();
}

/** The key's value, shown once (a text field or, in some layouts, plain text). */
export function shownKeyValue(page: Page): Promise<string> {
  return page
    .getByLabel('API key value')
    .inputValue()
    .catch(async () => page.getByLabel('API key value').innerText());
}
