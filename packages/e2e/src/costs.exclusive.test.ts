/**
 * @jest-environment node
 */
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import {
  callModel,
  chatBody,
  eventually,
  limitadorCounters,
  parseCsv,
  promNumber,
  waitForGateway,
} from '@maas-portal/harness/testing';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Locator, Page } from 'playwright-core';
import { parse, parseAllDocuments, stringify } from 'yaml';
import {
  artifactsDir,
  createSimulatorModel,
  oidcSignInConfig,
  signInAsGuest,
  signInThroughProvider,
} from './browserHelpers';
import { openPortalSession, Portal, PortalSession } from './portalSession';

// The Costs page in the real portal, in Debian's Chromium, on the harness's Prometheus data and
// app-config.yaml's demo maas.pricing and maas.budgets: as an admin (the guest is in
// maas.adminGroups), as a team lead who is no admin (jane, signed in through the harness's OIDC
// provider) and as a developer who is neither (bob). Runs alone (`*.exclusive.*`): it starts the
// whole portal.
jest.setTimeout(600_000);

const ARTIFACTS = artifactsDir();
const root = resolvePackagePath('@maas-portal/e2e', '..', '..');

/** The team lead of this file: a developer of team-a (examples/org.yaml), no admin. */
const LEAD = 'jane';
const LED_GROUP = 'team-a';
/** A developer of team-b who leads nothing. */
const DEVELOPER = 'bob';

/**
 * The model this file's real calls go to, made by Create model: its host at the harness gateway
 * and its route's Limitador namespace. Its own name, so no other browser test's calls are in it.
 */
const MODEL = 'costsim';
const HOST = `${MODEL}.maas.local`;
const ROUTE = `llm/${MODEL}-route`;
/** Calls of a member of each budgeted team, with a free key: within the free tier's 5 per 2 m. */
const CALLS: Record<string, number> = { [LEAD]: 3, [DEVELOPER]: 2 };
/** Create model's free tier limit (its RateLimitPolicy): 5 requests per 2 minutes per user. */
const FREE_LIMIT = 5;
/** The warning of a Costs report naming routes whose calls carry no user label (CostService). */
const UNLABELLED = 'Calls without a user label are in no row: ';

/**
 * app-config.yaml's catalog locations, its example org (examples/org.yaml) read from a copy made
 * now in which the Group LED_GROUP names LEAD in maas.kuadrant.io/team-leads (the annotation
 * costs/costDirectory.ts reads): the example org names no lead.
 */
function locationsWithLead(): unknown[] {
  const org = join(root, 'examples', 'org.yaml');
  const entities = parseAllDocuments(readFileSync(org, 'utf8')).map(d =>
    d.toJS(),
  );
  const group = entities.find(
    e => e.kind === 'Group' && e.metadata.name === LED_GROUP,
  );
  group.metadata.annotations = {
    ...group.metadata.annotations,
    'maas.kuadrant.io/team-leads': LEAD,
  };
  const file = join(mkdtempSync(join(tmpdir(), 'maas-e2e-org-')), 'org.yaml');
  writeFileSync(file, entities.map(e => stringify(e)).join('---\n'));
  const { locations } = parse(
    readFileSync(join(root, 'app-config.yaml'), 'utf8'),
  ).catalog;
  const replaced = locations.map((l: { target: string }) =>
    l.target.endsWith('examples/org.yaml') ? { ...l, target: file } : l,
  );
  expect(replaced).not.toEqual(locations);
  return replaced;
}

/** The Backstage token of a person signed in on `page` through the OIDC provider. */
function oidcToken(page: Page, backendUrl: string): Promise<string> {
  return page.evaluate(async url => {
    const r = await fetch(`${url}/api/auth/oidc/refresh?env=development`, {
      headers: { 'X-Requested-With': 'XMLHttpRequest' },
      credentials: 'include',
    });
    return (await r.json()).backstageIdentity.token as string;
  }, backendUrl);
}

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

  /** The environment this file sets for its portal, restored after it. */
  const env: Record<string, string> = {};
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    // The guest, and real people through the harness's provider; the catalog with a team lead.
    Object.assign(env, oidcSignInConfig(['guest', 'oidc']), {
      APP_CONFIG_catalog_locations: JSON.stringify(locationsWithLead()),
    });
    for (const name of Object.keys(env)) saved[name] = process.env[name];
    Object.assign(process.env, env);
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
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  const euros = (x: number) =>
    new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency: 'EUR',
      minimumFractionDigits: 2,
    }).format(x);

  /** Each budget's line and bar on the card: the API's spend, amount and share, as the card prints them. */
  const expectBudgetBars = async (
    card: Locator,
    budgets: Array<{
      title: string;
      spend: number;
      monthly: number;
      share: number;
    }>,
  ) => {
    for (const budget of budgets) {
      expect(
        await card.getByLabel(`Spend of ${budget.title}`).textContent(),
      ).toContain(
        `${euros(budget.spend)} of ${euros(budget.monthly)} (${Math.floor(
          budget.share * 100 + 1e-9,
        )} %)`,
      );
      expect(
        await card
          .getByRole('progressbar', { name: `Budget of ${budget.title}` })
          .getAttribute('aria-valuenow'),
      ).toBe(String(Math.round(Math.min(100, budget.share * 100))));
    }
  };

  /** A person signed in through the provider in a browser context of their own. */
  async function signIn(username: string): Promise<Page> {
    const context = await session.browser.newContext({
      viewport: { width: 1400, height: 1000 },
    });
    const person = await context.newPage();
    person.setDefaultTimeout(60_000);
    await signInThroughProvider(person, portal.appUrl, username);
    return person;
  }

  /** `GET /api/maas<path>` as whoever is signed in on `person`: the status and the body. */
  async function apiAs(person: Page, path: string) {
    const res = await fetch(`${portal.backendUrl}/api/maas${path}`, {
      headers: {
        authorization: `Bearer ${await oidcToken(person, portal.backendUrl)}`,
      },
    });
    return { status: res.status, body: await res.json() };
  }

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
    expect(await total.textContent()).toBe(`Total ${euros(report.total.cost)}`);
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

  /** Calls Limitador counted on ROUTE, by caller (the test below makes them). */
  const counted: Record<string, number> = {};

  /** `path` of the portal's API as whoever is signed in on `person`, with a JSON body. */
  async function postAs(person: Page, path: string, body: object) {
    const res = await fetch(`${portal.backendUrl}/api/maas${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await oidcToken(person, portal.backendUrl)}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  }

  /** When Prometheus last scraped Limitador's series of ROUTE, in unix seconds (0: never). */
  function lastScrapeOfRoute(): Promise<number> {
    return promNumber(
      `max(timestamp(authorized_calls{limitador_namespace="${ROUTE}"}))`,
    );
  }

  // The bed's data plane is Kuadrant 1.2's (kuadrant-operator v1.2.0, Limitador's metrics with
  // limitador_namespace only): no TelemetryPolicy puts user and group labels on Limitador's
  // series, so real calls through the gateway can be in no user's, team's or budget's row. What
  // the portal owes then is the honest degraded view: the calls, as many as Limitador counted, in
  // the admin's warning and in nobody's spend. (Free keys: app-config.yaml's demo price sheet
  // bills the free tier nothing, so with labels too these calls would cost €0.00.)
  it("after real calls through the gateway by a member of each budgeted team, counted by Limitador, says on the page how many calls carry no user label, and puts them in no team's spend", async () => {
    // The calls, Prometheus' scrape of them and the reads below must fall in one UTC month (the
    // Budgets card and /costs?month= show the current one): a run starting in the last 5 minutes
    // of a month waits for the next month to begin.
    const now = new Date();
    const nextMonth = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
    if (nextMonth - Date.now() < 5 * 60_000)
      await new Promise(r => setTimeout(r, nextMonth - Date.now() + 1000));
    const month = new Date().toISOString().slice(0, 7);
    const spendBefore = (
      await (await api(`/costs/budgets?month=${month}`)).json()
    ).budgets as Array<{ group: string; spend: number }>;
    // The callers' own rows before the calls: other test files' labelled calls (costsOnLiveTraffic's
    // TelemetryPolicy route, by users of the same names) may have given them rows this month already.
    const callersRows = (r: { users: Row[] }) =>
      r.users
        .filter(u => [LEAD, DEVELOPER].some(p => u.ref === `user:default/${p}`))
        .map(u => [u.ref, u.calls, u.tokens, u.cost]);
    const rowsBefore = callersRows(
      await (await api(`/costs?month=${month}`)).json(),
    );

    // The guest (an admin) makes the model with Create model, as a platform team would.
    await createSimulatorModel(page, portal.appUrl, MODEL);
    const keys: Record<string, string> = {};
    for (const person of [LEAD, DEVELOPER]) {
      const signedIn = await signIn(person);
      // The catalog registers the model from the cluster within seconds: until then, a 404.
      const asked = await eventually(
        async () => {
          const res = await postAs(signedIn, '/keys/requests', {
            entityRef: `component:default/${MODEL}`,
            tier: 'free',
            reason: 'costs e2e: real calls by a team member',
          });
          expect(res.status).toBe(201);
          return res;
        },
        60_000,
        1000,
      );
      // A free key is issued at once, its value shown to its owner (kept in memory, never logged).
      expect(asked.body.issued.key.tier).toBe('free');
      keys[person] = asked.body.issued.value;
      await signedIn.context().close();
    }

    await waitForGateway(HOST, {
      limitadorNamespace: ROUTE,
      timeoutMs: 120_000,
    });
    /** Unix ms of the last call Limitador counted (a 200 or a 429; a 401 never reaches it). */
    let lastCountedAt = 0;
    const call = async (person: string) => {
      const res = await callModel({
        host: HOST,
        key: keys[person],
        body: chatBody(MODEL),
      });
      if (res.status === 200 || res.status === 429) lastCountedAt = Date.now();
      return res.status;
    };
    for (const person of [LEAD, DEVELOPER]) {
      // Authorino learns of the key's Secret from its watch: 401s until then, which Limitador
      // never counts.
      await eventually(
        async () => expect(await call(person)).toBe(200),
        60_000,
        500,
      );
      for (let i = 1; i < CALLS[person]; i++)
        expect(await call(person)).toBe(200);
    }

    // Limitador's own count: each caller's counter on the route, the calls made within its window.
    const counters = await limitadorCounters(ROUTE);
    for (const person of [LEAD, DEVELOPER]) {
      const theirs = counters.filter(c =>
        Object.values(c.set_variables).includes(person),
      );
      expect(theirs).toHaveLength(1);
      expect(theirs[0].limit.max_value).toBe(FREE_LIMIT);
      counted[person] = FREE_LIMIT - theirs[0].remaining;
    }
    expect(counted).toEqual(CALLS);
    const total = counted[LEAD] + counted[DEVELOPER];

    // Settled: Prometheus has scraped Limitador after the last call, and the report the API gives
    // ends after that scrape (a report computed earlier may be served while a newer one is made).
    const scrape = await eventually(
      async () => {
        const at = await lastScrapeOfRoute();
        if (at * 1000 < lastCountedAt)
          throw new Error(
            'Prometheus has not scraped Limitador since the last call',
          );
        return at;
      },
      60_000,
      500,
    );
    const entry = `${ROUTE} (${total} calls)`;
    const report = await eventually(
      async () => {
        const r = await (await api(`/costs?month=${month}`)).json();
        if (r.end < scrape)
          throw new Error(`the report ends at ${r.end}, before ${scrape}`);
        const warning = (r.warnings as string[]).find(w =>
          w.startsWith(UNLABELLED),
        );
        expect(warning).toBeDefined();
        expect(
          warning!
            .slice(UNLABELLED.length)
            .split('. A TelemetryPolicy')[0]
            .split(', '),
        ).toContain(entry);
        return r;
      },
      90_000,
      2000,
    );
    // No user, model or team row claims them: neither caller's row changed, and each team's spend is
    // what it was before the calls. (Free calls cost nothing under the demo price sheet, and 5
    // premium ones €0.0025: at the sheet's cents a misattribution shows in the rows, not in a spend.)
    expect(callersRows(report)).toEqual(rowsBefore);
    expect(
      (report.models as Row[]).filter(
        m => m.ref === `component:default/${MODEL}`,
      ),
    ).toEqual([]);
    const budgets = (await (await api(`/costs/budgets?month=${month}`)).json())
      .budgets as Array<{ group: string; spend: number }>;
    expect(budgets.map(b => [b.group, b.spend])).toEqual(
      spendBefore.map(b => [b.group, b.spend]),
    );
    console.log(
      `Costs e2e: Limitador counted ${JSON.stringify(counted)} on ${ROUTE}; ` +
        `team spend ${JSON.stringify(budgets.map(b => [b.group, b.spend]))}`,
    );

    // The page says it too, as the admin reads it (loaded again while it shows a report made
    // before the calls).
    await eventually(
      async () => {
        await page.goto(`${portal.appUrl}/maas/costs`);
        await page.getByLabel('Total cost').waitFor();
        await page
          .getByText(entry, { exact: false })
          .first()
          .waitFor({ timeout: 5000 });
      },
      60_000,
      1000,
    );
    await page.screenshot({
      path: join(ARTIFACTS, 'costs-unlabelled-calls.png'),
      fullPage: true,
    });
    // Up to 5 minutes' wait for a new month, then Create model, keys, calls and a scrape.
  }, 900_000);

  it("shows a bar per team of app-config.yaml's demo maas.budgets, the spend the API counts against its budget, and says budgets are soft", async () => {
    const budgets = await (await api('/costs/budgets')).json();
    expect(budgets.budgets.map((b: { group: string }) => b.group)).toEqual([
      'group:default/team-a',
      'group:default/team-b',
    ]);
    const card = page.getByLabel('Budgets', { exact: true });
    await card.getByText(/^Soft budgets: calls are not blocked/).waitFor();
    await expectBudgetBars(card, budgets.budgets);
    await card.screenshot({ path: join(ARTIFACTS, 'costs-budgets.png') });
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
  it('as a team lead who is no admin, shows the bars of her own teams only, with the figures the API gives her', async () => {
    const lead = await signIn(LEAD);
    // The sidebar leads her to Costs: she leads a group.
    await lead
      .getByRole('link', { name: 'Costs', exact: true })
      .first()
      .click();
    expect(new URL(lead.url()).pathname).toBe('/maas/costs');
    const mine = await apiAs(lead, '/costs/budgets');
    expect(mine.status).toBe(200);
    expect(mine.body.scope).toBe('groups');
    expect(mine.body.budgets.map((b: { group: string }) => b.group)).toEqual([
      `group:default/${LED_GROUP}`,
    ]);
    // The admin sees both budgeted teams (the test above): the other one is not in her card.
    const all = await (await api('/costs/budgets')).json();
    const others = (all.budgets as Array<{ group: string; title: string }>)
      .filter(b => b.group !== `group:default/${LED_GROUP}`)
      .map(b => b.title);
    expect(others.length).toBeGreaterThan(0);
    // The calls without a user label (the test above) name everyone's routes: the admin is told of
    // them, a lead is not.
    const unlabelled = (warnings: string[]) =>
      warnings.some(w => w.startsWith(UNLABELLED));
    expect(unlabelled(all.warnings)).toBe(true);
    expect(unlabelled(mine.body.warnings)).toBe(false);
    // Her team's budget is the one the admin sees: the same spend, amount and share.
    expect(mine.body.budgets).toEqual(
      all.budgets.filter(
        (b: { group: string }) => b.group === `group:default/${LED_GROUP}`,
      ),
    );

    const card = lead.getByLabel('Budgets', { exact: true });
    await card.getByText(/^Soft budgets: calls are not blocked/).waitFor();
    await expectBudgetBars(card, mine.body.budgets);
    expect(await card.getByRole('progressbar').count()).toBe(
      mine.body.budgets.length,
    );
    for (const title of others)
      expect(await card.getByLabel(`Spend of ${title}`).count()).toBe(0);
    await card.screenshot({ path: join(ARTIFACTS, 'costs-budgets-lead.png') });
    await lead.context().close();
  });

  it('as a developer who leads nothing, shows no budget figure, only a sentence saying who sees costs', async () => {
    const developer = await signIn(DEVELOPER);
    // No Costs in his sidebar; by its address, the page says why it has nothing for him.
    await developer
      .getByRole('link', { name: 'Models', exact: true })
      .first()
      .waitFor();
    expect(
      await developer.getByRole('link', { name: 'Costs', exact: true }).count(),
    ).toBe(0);
    await developer.goto(`${portal.appUrl}/maas/costs`);
    expect((await apiAs(developer, '/costs/budgets')).status).toBe(403);
    const refused = await apiAs(developer, '/costs');
    expect(refused.status).toBe(403);
    const sentence = developer
      .getByRole('alert')
      .filter({ hasText: 'You may not see costs' });
    await sentence.waitFor();
    // The API's own sentence, as a warning: no error box, no status code, no stack.
    expect(await sentence.textContent()).toBe(
      `You may not see costs${refused.body.error.message}`,
    );
    expect(await sentence.getAttribute('class')).toContain(
      'MuiAlert-standardWarning',
    );
    const shown = await developer.locator('body').innerText();
    expect(shown).not.toMatch(/\b403\b|NotAllowedError|Error:|\bat \S+:\d+/);
    // No budget at all: no card, no bar, no amount.
    expect(await developer.getByLabel('Budgets', { exact: true }).count()).toBe(
      0,
    );
    expect(await developer.getByRole('progressbar').count()).toBe(0);
    expect(shown).not.toContain('€');
    await developer.screenshot({
      path: join(ARTIFACTS, 'costs-developer.png'),
      fullPage: true,
    });
    await developer.context().close();
  });
});
