/**
 * @jest-environment node
 */
import { Locator, Page } from 'playwright-core';
import {
  artifactsDir,
  createSimulatorModel,
  eventually,
  guestToken,
  oidcSignInConfig,
  screenshots,
  sendKeyRequest,
  shownKeyValue,
  signInAsGuest,
  signInThroughProvider,
} from './browserHelpers';
import { openPortalSession, Portal, PortalSession } from './portalSession';

// The pages most people use, seen by a developer who is not an admin (issue #20): bob of team-b,
// signed in through the harness's OIDC provider on the production bundle, with the example
// permission policy (maas.model.read and maas.key.request for everyone, no maas.model.list). He
// sees each model's health and endpoint on the Models page, the Home widget and the Usage tab, his
// own key on My API keys, and no Approvals or Costs in his sidebar (no model of his, no team he
// leads); the admins (the laptop's guest, and ops of platform-team) still see both.
jest.setTimeout(900_000);

const ARTIFACTS = artifactsDir('developer', { fresh: true });
const MODEL = 'devview';
/** A health verdict as the badge words it (a new model waits for its controllers). */
const HEALTH = /waiting for [^\n]+|healthy|degraded|unhealthy/;

describe('seen as a developer: the portal of bob (team-b, not an admin)', () => {
  let session: PortalSession;
  let portal: Portal;
  let admin: Page;
  let bob: Page;
  const shoot = screenshots(ARTIFACTS);

  /** Waits for `locator`; when it does not show, a screenshot of the page says what did. */
  async function shownOrShot(page: Page, name: string, locator: Locator) {
    await locator.waitFor().catch(async error => {
      await shoot(page, `${name}-not-shown`);
      throw error;
    });
  }

  /** Loads `path` and waits for the backend's answer on which nav items serve the user. */
  async function openWithNav(page: Page, path: string) {
    const access = page.waitForResponse(
      r => r.url().includes('/api/maas/access') && r.status() === 200,
    );
    await page.goto(`${portal.appUrl}${path}`);
    await access;
  }

  /**
   * The sidebar's links among Approvals, Costs, Models and My API keys, once the nav settled. The
   * sidebar re-renders a moment after /access answers: where Approvals is expected, wait for it.
   */
  async function suiteLinks(
    page: Page,
    options: { approvals: boolean } = { approvals: false },
  ): Promise<string[]> {
    await page.getByRole('link', { name: 'My API keys' }).first().waitFor();
    if (options.approvals)
      await page
        .getByRole('link', { name: 'Approvals', exact: true })
        .first()
        .waitFor({ timeout: 15_000 })
        .catch(() => undefined);
    const names: string[] = [];
    for (const name of ['Approvals', 'Costs', 'Models', 'My API keys']) {
      if (await page.getByRole('link', { name, exact: true }).count())
        names.push(name);
    }
    return names;
  }

  beforeAll(async () => {
    // The guest (the laptop portal's admin) and real people through the harness's provider.
    Object.assign(process.env, oidcSignInConfig(['guest', 'oidc']));
    session = await openPortalSession({ production: true });
    portal = session.portal;
    admin = await session.browser.newPage({
      viewport: { width: 1400, height: 1000 },
    });
    admin.setDefaultTimeout(30_000);
    await signInAsGuest(admin, portal.appUrl);
    await createSimulatorModel(admin, portal.appUrl, MODEL);
    const token = await guestToken(admin, portal.backendUrl);
    await eventually('the model entity to appear in the catalog', async () => {
      const r = await fetch(
        `${portal.backendUrl}/api/catalog/entities/by-name/component/default/${MODEL}`,
        { headers: { authorization: `Bearer ${token}` } },
      );
      return r.ok ? true : undefined;
    });
    const context = await session.browser.newContext({
      viewport: { width: 1400, height: 1000 },
    });
    bob = await context.newPage();
    bob.setDefaultTimeout(30_000);
    await signInThroughProvider(bob, portal.appUrl, 'bob');
  });

  afterAll(async () => {
    console.log(`Developer e2e screenshots in ${ARTIFACTS}`);
    await session?.close();
  });

  it("seen as a developer: the Models page shows each model's health and endpoint without maas.model.list", async () => {
    await openWithNav(bob, '/maas/models');
    const row = bob.getByRole('row', { name: new RegExp(MODEL) });
    // The endpoint comes only from the model's view in GET /models: his own item of the list.
    await shownOrShot(
      bob,
      'bob-models-page',
      row.getByRole('link', { name: `http://${MODEL}.maas.local` }),
    );
    const text = await row.innerText();
    console.log(`bob's Models row: ${JSON.stringify(text)}`);
    expect(text).toMatch(HEALTH);
    expect(text).not.toMatch(/not yours to read|not listed yet|—/);
    await expect(
      bob.getByText(/You may not read|lack.*maas\.model\.list/).count(),
    ).resolves.toBe(0);
    await shoot(bob, 'bob-models-page');
  });

  it('seen as a developer: the sidebar offers no Approvals and no Costs; the admins still see both', async () => {
    expect(await suiteLinks(bob)).toEqual(['Models', 'My API keys']);
    // Nor by typing the address: the Costs page says why it has nothing for him.
    await bob.goto(`${portal.appUrl}/maas/costs`);
    await bob
      .getByText(/maas\.costs\.read/)
      .first()
      .waitFor();
    await shoot(bob, 'bob-costs-by-address');

    await openWithNav(admin, '/maas/models');
    expect(await suiteLinks(admin, { approvals: true })).toEqual([
      'Approvals',
      'Costs',
      'Models',
      'My API keys',
    ]);
    await shoot(admin, 'guest-admin-sidebar');
    const ops = await (
      await session.browser.newContext({
        viewport: { width: 1400, height: 1000 },
      })
    ).newPage();
    ops.setDefaultTimeout(30_000);
    await signInThroughProvider(ops, portal.appUrl, 'ops');
    await openWithNav(ops, '/maas/models');
    expect(await suiteLinks(ops, { approvals: true })).toEqual([
      'Approvals',
      'Costs',
      'Models',
      'My API keys',
    ]);
    await shoot(ops, 'ops-admin-sidebar');
  });

  it("seen as a developer: the Home widget shows the model's health", async () => {
    await openWithNav(bob, '/');
    const widget = bob.getByRole('list', { name: 'Models' });
    await shownOrShot(bob, 'bob-home', widget.getByText(HEALTH).first());
    const text = await widget.innerText();
    console.log(`bob's Home widget: ${JSON.stringify(text)}`);
    expect(text).toMatch(new RegExp(`${MODEL}\\s+(${HEALTH.source})`));
    await expect(
      bob.getByText(/not yours to read|You may not read/).count(),
    ).resolves.toBe(0);
    await shoot(bob, 'bob-home');
  });

  it('seen as a developer: the Usage tab shows health and endpoint, and My API keys lists his new key', async () => {
    await openWithNav(bob, `/catalog/default/component/${MODEL}/usage`);
    await bob.getByLabel('Health', { exact: true }).waitFor();
    await bob.getByText(`http://${MODEL}.maas.local`).first().waitFor();
    await shoot(bob, 'bob-usage-tab');
    await sendKeyRequest(bob, 'free', 'Bob tries the model', 'bob-notebook');
    const value = await shownKeyValue(bob);
    expect(value).toMatch(/^maas_/);
    await bob.getByRole('button', { name: 'I have stored it' }).click();

    await openWithNav(bob, '/maas/keys');
    const prefix = value.slice(0, 9);
    const row = bob.getByRole('row').filter({ hasText: prefix });
    await row
      .getByRole('cell', { name: 'bob-notebook', exact: true })
      .waitFor();
    await expect(
      row.getByRole('link', { name: MODEL }).getAttribute('href'),
    ).resolves.toBe(`/catalog/default/component/${MODEL}`);
    await expect(bob.getByText(value).count()).resolves.toBe(0);
    expect(await suiteLinks(bob)).toEqual(['Models', 'My API keys']);
    await shoot(bob, 'bob-my-api-keys');
  });
});
