/**
 * @jest-environment node
 */
import { parseCsv } from '@maas-portal/harness/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Page } from 'playwright-core';
import { artifactsDir, signInAsGuest } from './browserHelpers';
import { openPortalSession, Portal, PortalSession } from './portalSession';

// The Costs page in the real portal, in Debian's Chromium, as an admin (the guest is in
// maas.adminGroups), on the harness's Prometheus data and app-config.yaml's demo maas.pricing.
// Runs alone (`*.exclusive.*`): it starts the whole portal.
jest.setTimeout(600_000);

const ARTIFACTS = artifactsDir();

interface Row {
  ref: string;
  title: string;
  calls: number;
  tokens: number;
  cost: number | null;
}

describe('the Costs page in a browser', () => {
  let session: PortalSession;
  let portal: Portal;
  let page: Page;
  let token: string;

  const api = async (path: string) => {
    const res = await fetch(`${portal.backendUrl}/api/maas${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    return res;
  };

  beforeAll(async () => {
    session = await openPortalSession({ production: true });
    portal = session.portal;
    const guest = await (
      await fetch(`${portal.backendUrl}/api/auth/guest/refresh`, {
        headers: { 'X-Requested-With': 'XMLHttpRequest' },
      })
    ).json();
    token = guest.backstageIdentity.token;
    page = await session.browser.newPage({
      viewport: { width: 1400, height: 1000 },
      acceptDownloads: true,
    });
    page.setDefaultTimeout(60_000);
  });

  afterAll(async () => {
    await session?.close();
  });

  it('leads from the sidebar to the Costs page, which shows the month as the API counts it, priced', async () => {
    await signInAsGuest(page, portal.appUrl);
    await page
      .getByRole('link', { name: 'Costs', exact: true })
      .first()
      .click();
    expect(new URL(page.url()).pathname).toBe('/maas/costs');
    const month = new Date().toISOString().slice(0, 7);
    const report = await (await api(`/costs?month=${month}`)).json();
    // The harness's data holds calls of five users in the last six hours.
    expect(report.users.length).toBeGreaterThan(0);
    expect(report.priced).toBe(true);
    expect(report.currency).toBe('EUR');
    const total = page.getByLabel('Total cost');
    await total.waitFor();
    const euros = new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency: 'EUR',
      minimumFractionDigits: 2,
    }).format(report.total.cost);
    expect(await total.textContent()).toBe(`Total ${euros}`);
    expect(await page.getByLabel('Total calls').textContent()).toBe(
      `${report.total.calls.toLocaleString('en-US')} calls`,
    );
    for (const user of report.users as Row[])
      await page.getByText(user.title, { exact: true }).first().waitFor();
    await page.screenshot({
      path: join(ARTIFACTS, 'costs-admin.png'),
      fullPage: true,
    });
  });

  it('shows the per-system table, the same rows as the API', async () => {
    await page.getByRole('tab', { name: 'Per system' }).click();
    const month = new Date().toISOString().slice(0, 7);
    const report = await (await api(`/costs?month=${month}`)).json();
    await page.getByText(`Systems (${report.systems.length})`).waitFor();
    for (const system of report.systems as Row[]) {
      const row = page.getByRole('row').filter({ hasText: system.title });
      expect(await row.first().textContent()).toContain(
        system.calls.toLocaleString('en-US'),
      );
    }
    await page.screenshot({
      path: join(ARTIFACTS, 'costs-per-system.png'),
      fullPage: true,
    });
  });

  it('downloads the table shown as CSV, with the rows and numbers of the JSON', async () => {
    await page.getByRole('tab', { name: 'Per user' }).click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    const month = new Date().toISOString().slice(0, 7);
    expect(download.suggestedFilename()).toBe(`maas-costs-${month}-users.csv`);
    const file = join(ARTIFACTS, download.suggestedFilename());
    await download.saveAs(file);
    const [header, ...rows] = parseCsv(readFileSync(file, 'utf8'));
    expect(header).toEqual([
      'ref',
      'title',
      'calls',
      'tokens',
      'cost',
      'currency',
      'users',
      'groups',
    ]);
    const report = await (await api(`/costs?month=${month}`)).json();
    expect(
      rows.map(([ref, title, calls, tokens, cost]) => ({
        ref,
        title,
        calls: Number(calls),
        tokens: Number(tokens),
        cost: cost === '' ? null : Number(cost),
      })),
    ).toEqual(
      (report.users as Row[]).map(({ ref, title, calls, tokens, cost }) => ({
        ref,
        title,
        calls,
        tokens,
        cost,
      })),
    );
  });
});
