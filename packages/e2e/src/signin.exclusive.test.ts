/**
 * @jest-environment node
 */
import { CustomObjectsApi } from '@kubernetes/client-node';
import { BrowserContext, Locator, Page } from 'playwright-core';
import {
  artifactsDir,
  fillSimulatorModel,
  oidcSignInConfig,
  screenshots,
  sendKeyRequest,
  shownKeyValue,
  signInThroughProvider,
} from './browserHelpers';
import { openPortalSession, Portal, PortalSession } from './portalSession';

// Real sign-in: the portal signs people in through the harness's OpenID Connect provider (its
// password page, in Backstage's sign-in popup), as three people in browser contexts of their own.
// Each sees only their own keys and requests; the admin's approval reaches the developer.
// Runs alone (`*.exclusive.*`): it starts the whole portal.
jest.setTimeout(900_000);

const ARTIFACTS = artifactsDir();
const MODEL = 'signin-sim';

describe('signing in to the portal through the OIDC provider', () => {
  let session: PortalSession;
  let portal: Portal;
  const people: Record<string, { context: BrowserContext; page: Page }> = {};
  const keyPrefixes: Record<string, string[]> = { jane: [], bob: [] };
  const screenshot = screenshots(ARTIFACTS, 'signin-');

  /**
   * Opens a page of the portal and waits for `ready` on it, loading it again when it does not come:
   * `yarn start` restarts the backend when a file of the work tree changes, which a shared work tree
   * does while this test runs.
   */
  async function open(page: Page, path: string, ready: () => Locator) {
    for (let attempt = 1; ; attempt++) {
      try {
        await page.goto(`${portal.appUrl}${path}`);
        await ready().first().waitFor({ timeout: 60_000 });
        return;
      } catch (error) {
        if (attempt === 3) throw error;
      }
    }
  }

  /** Signs `username` in through Backstage's popup and the provider's password page. */
  async function signIn(username: string): Promise<Page> {
    const context = await session.browser.newContext({
      viewport: { width: 1400, height: 1000 },
    });
    const page = await context.newPage();
    // Generous: a first load of the dev server's bundle on a busy 2-core machine takes tens of seconds.
    page.setDefaultTimeout(90_000);
    people[username] = { context, page };
    // Once more if a backend restart (see open()) broke the first try.
    for (let attempt = 1; ; attempt++) {
      try {
        await signInThroughProvider(
          page,
          portal.appUrl,
          username,
          username === 'ops'
            ? popup => screenshot(popup, 'provider-login-page')
            : undefined,
        );
        break;
      } catch (error) {
        if (attempt === 2) throw error;
      }
    }
    return page;
  }

  async function usageTab(page: Page) {
    await open(page, `/catalog/default/component/${MODEL}/usage`, () =>
      page.getByRole('button', { name: 'Request key' }),
    );
  }

  /** Requests a key at `tier`; a free key is shown once, and its prefix returned. */
  async function requestKey(
    page: Page,
    tier: 'free' | 'premium',
    reason: string,
  ) {
    await sendKeyRequest(page, tier, reason);
    if (tier === 'premium') {
      await page.getByText(/waits for an approver/).waitFor();
      await page.getByRole('button', { name: 'Close' }).click();
      return undefined;
    }
    const value = await shownKeyValue(page);
    expect(value).toMatch(/^maas_/);
    await page.getByRole('button', { name: 'I have stored it' }).click();
    return value.slice(0, 9);
  }

  /** The keys on My API keys, by their Revoke buttons' names (`Revoke key <prefix>…`). */
  async function myKeys(page: Page): Promise<string[]> {
    await open(page, '/maas/keys', () =>
      page.getByRole('button', { name: /^Revoke key / }),
    );
    return page
      .getByRole('button', { name: /^Revoke key / })
      .evaluateAll(buttons =>
        buttons.map(b => b.getAttribute('aria-label') ?? ''),
      );
  }

  /** Each key listed is one of `own` (by prefix), each of `own` is listed, and none of `others`. */
  function expectOnly(listed: string[], own: string[], others: string[]) {
    const of = (prefixes: string[]) =>
      listed.filter(l => prefixes.some(p => l.startsWith(`Revoke key ${p}`)));
    expect(of(own)).toHaveLength(own.length);
    expect(listed).toHaveLength(own.length);
    expect(of(others)).toEqual([]);
  }

  beforeAll(async () => {
    Object.assign(process.env, oidcSignInConfig());
    session = await openPortalSession({ production: false });
    portal = session.portal;
  });

  afterAll(async () => {
    await session?.close();
  });

  it('offers the OIDC provider on the sign-in page and signs the admin in as ops', async () => {
    const probe = await session.browser.newPage();
    await probe.goto(portal.appUrl);
    await probe.getByText('MaaS test bed').waitFor();
    await expect(
      probe.getByRole('button', { name: 'Enter' }).count(),
    ).resolves.toBe(0);
    await screenshot(probe, 'sign-in-page');
    await probe.close();

    const ops = await signIn('ops');
    await open(ops, '/settings', () => ops.getByText('ops@example.com'));
    await screenshot(ops, 'signed-in-as-ops');
  });

  it('lets the admin create a model owned by the platform team', async () => {
    const { page } = people.ops;
    const created = () =>
      session.kc
        .makeApiClient(CustomObjectsApi)
        .getNamespacedCustomObject({
          group: 'serving.kserve.io',
          version: 'v1beta1',
          plural: 'inferenceservices',
          namespace: 'llm',
          name: MODEL,
        })
        .then(
          isvc => isvc as any,
          () => undefined,
        );
    // Filled in again if a backend restart (see open()) lost the task.
    for (let attempt = 1; !(await created()); attempt++) {
      if (attempt > 3) throw new Error(`Create model never applied ${MODEL}`);
      await open(page, '/create/templates/default/create-model', () =>
        page.getByLabel('Model name'),
      );
      await fillSimulatorModel(page, MODEL);
      await page.getByRole('button', { name: 'Create' }).click();
      await page
        .getByRole('link', { name: /Open the model in the catalog/i })
        .waitFor({ timeout: 120_000 })
        .catch(() => undefined);
    }
    expect((await created()).metadata.annotations).toMatchObject({
      'maas.kuadrant.io/model-owner': 'group:default/platform-team',
    });
    // The catalog module registers the model from the cluster within seconds.
    await open(page, `/catalog/default/component/${MODEL}/usage`, () =>
      page.getByRole('button', { name: 'Request key' }),
    );
    await screenshot(page, 'admin-usage-tab');
  });

  it('gives jane and bob their own keys, each seeing only their own', async () => {
    const jane = await signIn('jane');
    await usageTab(jane);
    keyPrefixes.jane.push(
      (await requestKey(jane, 'free', 'Jane tries the simulator'))!,
    );
    await requestKey(jane, 'premium', 'Jane needs more for a load test');
    await screenshot(jane, 'jane-premium-pending');

    const bob = await signIn('bob');
    await usageTab(bob);
    keyPrefixes.bob.push(
      (await requestKey(bob, 'free', 'Bob tries the simulator'))!,
    );

    expectOnly(await myKeys(bob), keyPrefixes.bob, keyPrefixes.jane);
    await expect(
      bob.getByText('Jane needs more for a load test').count(),
    ).resolves.toBe(0);
    await screenshot(bob, 'bob-my-keys');

    expectOnly(await myKeys(jane), keyPrefixes.jane, keyPrefixes.bob);
    await jane.getByText('Jane needs more for a load test').first().waitFor();
    await screenshot(jane, 'jane-my-keys');
  });

  it("lets ops approve jane's premium request, and jane sees the decision and her new key", async () => {
    const { page: ops } = people.ops;
    await open(ops, '/maas/approvals', () =>
      ops.getByRole('checkbox', { name: /at tier premium/ }),
    );
    await ops.getByRole('checkbox', { name: /at tier premium/ }).check();
    await ops.getByLabel('Comment').fill('Approved for the load test');
    await ops.getByRole('button', { name: 'Approve (1)' }).click();
    await ops.getByLabel('Decision results').waitFor();
    await screenshot(ops, 'ops-approved');

    const { page: jane } = people.jane;
    await open(jane, '/maas/keys', () =>
      jane.getByText('approved: Approved for the load test'),
    );
    const reveal = jane.getByRole('button', { name: /^Reveal key / });
    await reveal.waitFor();
    await screenshot(jane, 'jane-sees-approval');
    await reveal.click();
    const value = await jane
      .getByLabel('API key value')
      .inputValue()
      .catch(async () => jane.getByLabel('API key value').innerText());
    expect(value).toMatch(/^maas_/);
    expect(keyPrefixes.jane).not.toContain(value.slice(0, 9));
    expect(keyPrefixes.bob).not.toContain(value.slice(0, 9));
    await screenshot(jane, 'jane-reveals-premium-key');

    const { page: bob } = people.bob;
    expectOnly(await myKeys(bob), keyPrefixes.bob, keyPrefixes.jane);
  });
});
