/*
 * The Usage tab in a browser, as the usage browser tests (quotaInBrowser and
 * usageStatesInBrowser.exclusive.test.ts) open it: the production portal with maas.limitador.url the
 * harness's Limitador, the guest signed in, and what they read of the Usage tab and its API.
 */
import { harnessEnv, limitadorCounters } from '@maas-portal/harness/testing';
import { Locator, Page } from 'playwright-core';
import {
  artifactsDir,
  createSimulatorModel,
  guestToken,
  oidcSignInConfig,
  screenshots,
  signInAsGuest,
  SimulatorServing,
} from '../browserHelpers';
import { openPortalSession, Portal, PortalSession } from '../portalSession';

export const ARTIFACTS = artifactsDir('usage');

export type Range = '1h' | '24h' | '7d';

/** What `GET /models/by-entity/usage` answers, as far as these tests read it. */
export interface Usage {
  state: string;
  end: number;
  stepSeconds: number;
  limitadorNamespace?: string;
  authorized: Array<{ total: number }>;
  limited: Array<{ total: number }>;
  tokens: Array<{ total: number }>;
  counting?: Array<{
    tier: string | null;
    basis: string;
    tokensCounted: boolean;
  }>;
  /** vLLM's served tokens (everyone's usage only). */
  promptTokens?: { total: number };
  generationTokens?: { total: number };
}

/** A count as the Usage tab shows it: 1,234 below ten thousand, then 12.3k, 1.2M. */
export function shownCount(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (value >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
  return Math.round(value).toLocaleString('en-US');
}

/** The number a shown count stands for: "12.3k" → 12300. */
export function countOf(shown: string): number {
  const [, digits, unit] = /^([\d,.]+)([kM]?)$/.exec(shown)!;
  const n = Number(digits.replace(/,/g, ''));
  return n * { '': 1, k: 1e3, M: 1e6 }[unit as '' | 'k' | 'M'];
}

export const sum = (series: Array<{ total: number }>) =>
  series.reduce((n, s) => n + s.total, 0);

/** vLLM's served tokens in an answer of everyone's usage. */
export const servedTokens = (usage: Usage) =>
  usage.promptTokens!.total + usage.generationTokens!.total;

/**
 * The Usage card's totals line for an answer of the API (the guest, an admin, sees everyone's): the
 * tokens Limitador counted, or, on a route where it counts none, that it does not and vLLM's tokens.
 */
export const totalsLine = (usage: Usage) =>
  `${shownCount(sum(usage.authorized))} authorized calls, ${shownCount(
    sum(usage.limited),
  )} limited, ${
    usage.counting!.every(c => !c.tokensCounted)
      ? `tokens not counted by Limitador on this route (the model server, vLLM, served ${shownCount(
          servedTokens(usage),
        )} tokens)`
      : `${shownCount(sum(usage.tokens))} tokens`
  } (everyone)`;

/** The unit of a chart's points: "calls per 2 min", "calls per 3 h". */
export const perStep = (what: string, stepSeconds: number) =>
  `${what} per ${
    stepSeconds < 3600 ? `${stepSeconds / 60} min` : `${stepSeconds / 3600} h`
  }`;

/** The developer whose key calls the model: free tier, team-b, not an admin (examples/org.yaml). */
export const DEVELOPER = 'bob';
/** The model Create model makes here, its host at the gateway and its route's Limitador namespace. */
export const MODEL = 'simulator';
export const HOST = `${MODEL}.maas.local`;
export const LIMITADOR_NAMESPACE = `llm/${MODEL}-route`;

/**
 * The developer's one counter on a route (by default the model's) as Limitador lists it, with when
 * it was asked and answered.
 */
export async function developerCounter(namespace = LIMITADOR_NAMESPACE) {
  const askedAt = Date.now();
  const mine = (await limitadorCounters(namespace)).filter(c =>
    Object.values(c.set_variables).includes(DEVELOPER),
  );
  const answeredAt = Date.now();
  expect(mine).toHaveLength(1);
  return { counter: mine[0], askedAt, answeredAt };
}

/**
 * The portal in Chromium for a test file, the guest (the laptop portal's admin) signed in: opened
 * before its tests, closed after them. Read `session`, `portal` and `page` inside hooks and tests.
 */
export function useUsageInBrowser(
  options: {
    /** More of the `maas` section, beside `limitador.url` (read when the portal starts). */
    maas?: () => Record<string, unknown>;
  } = {},
) {
  let session: PortalSession;
  let portal: Portal;
  let page: Page;
  const shoot = screenshots(ARTIFACTS);
  const screenshot = (name: string, element?: Locator) =>
    shoot(page, name, element);
  const card = (title: string) =>
    page
      .getByText(title, { exact: true })
      .first()
      .locator('xpath=ancestor::div[contains(@class, "MuiCard-root")][1]');

  async function createModel(name: string, serving?: SimulatorServing) {
    await createSimulatorModel(page, portal.appUrl, name, undefined, serving);
    // The catalog module registers the model from the cluster within seconds.
    const deadline = Date.now() + 60_000;
    for (;;) {
      await page.goto(
        `${portal.appUrl}/catalog/default/component/${name}/usage`,
      );
      const found = await page
        .getByLabel('Health', { exact: true })
        .waitFor({ timeout: 10_000 })
        .then(() => true)
        .catch(() => false);
      if (found) return;
      if (Date.now() > deadline)
        throw new Error(`the ${name} entity did not appear within 60 s`);
    }
  }

  beforeAll(async () => {
    // The guest (the laptop portal's admin) and real people through the harness's provider.
    Object.assign(process.env, oidcSignInConfig(['guest', 'oidc']));
    session = await openPortalSession({
      production: true,
      maas: {
        limitador: { url: harnessEnv('MAAS_HARNESS_LIMITADOR_URL') },
        ...options.maas?.(),
      },
    });
    portal = session.portal;
    page = await session.browser.newPage({
      viewport: { width: 1400, height: 1000 },
    });
    page.setDefaultTimeout(30_000);
    await signInAsGuest(page, portal.appUrl);
  });

  afterAll(async () => {
    console.log(`Usage e2e screenshots in ${ARTIFACTS}`);
    await session?.close();
  });

  const usageCard = () =>
    page
      .locator('.MuiCard-root')
      .filter({ has: page.getByRole('group', { name: 'Range' }) });
  /** The Usage card says nothing matching `text` (another state's sentence). */
  const expectNoText = (text: RegExp) =>
    expect(usageCard().getByText(text).count()).resolves.toBe(0);

  async function api(
    what: string,
    model: string,
    params: Record<string, string> = {},
  ) {
    const token = await guestToken(page, portal.backendUrl);
    const query = new URLSearchParams({
      entityRef: `component:default/${model}`,
      ...params,
    });
    const res = await fetch(
      `${portal.backendUrl}/api/maas/models/by-entity/${what}?${query}`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(res.status).toBe(200);
    return res.json();
  }

  async function usageApi(
    model: string,
    range: Range,
    scope?: 'user' | 'all',
  ): Promise<Usage> {
    return api('usage', model, { range, ...(scope ? { scope } : {}) });
  }

  /** The model's Usage tab, freshly loaded, on `range`, once its charts have drawn. */
  async function openRange(model: string, range: Range, stepSeconds: number) {
    await page.goto(
      `${portal.appUrl}/catalog/default/component/${model}/usage`,
    );
    await usageCard().getByRole('button', { name: range, exact: true }).click();
    // The caption names the range's step: the card shows this range's answer, not the last one.
    await usageCard()
      .getByLabel('Authorized and limited calls unit')
      .getByText(new RegExp(`^${perStep('calls', stepSeconds)};`))
      .waitFor();
    await usageCard().locator('.recharts-surface').first().waitFor();
  }

  /**
   * The totals the tab shows for `range` and the API's answer for the same range. Windows end now
   * (to 15 s) and the 1h window slides over the last samples, so the API is asked before and after
   * the page; the two agree on the shown figures unless a sample left the window in between.
   */
  async function shownAndAnswered(range: Range) {
    for (let attempt = 1; ; attempt++) {
      const before = await usageApi('simulator', range);
      await openRange('simulator', range, before.stepSeconds);
      const shown = (await usageCard()
        .getByLabel('Usage totals')
        .textContent())!;
      const after = await usageApi('simulator', range);
      if (totalsLine(before) === totalsLine(after))
        return { shown, usage: before };
      if (attempt === 3)
        throw new Error(
          `the API's ${range} totals changed during each of 3 page loads`,
        );
    }
  }

  return {
    get session() {
      return session;
    },
    get portal() {
      return portal;
    },
    get page() {
      return page;
    },
    shoot,
    screenshot,
    card,
    createModel,
    usageCard,
    expectNoText,
    api,
    usageApi,
    openRange,
    shownAndAnswered,
  };
}
