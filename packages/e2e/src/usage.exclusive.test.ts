/**
 * @jest-environment node
 */
import {
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import {
  callModel,
  chatBody,
  harnessEnv,
  harnessMetrics,
  limitadorCounters,
  startServer,
  stopServer,
  waitForGateway,
} from '@maas-portal/harness/testing';
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
import { reportEnforcedAsKuadrant13 } from './kuadrantStatus';
import { openPortalSession, Portal, PortalSession } from './portalSession';

// Quota left, why calls were refused and whether token limits are counted, in the real portal in
// Debian's Chromium, on the harness's API server, data plane and Prometheus. Quota left is live:
// maas.limitador.url is the harness's Limitador (the limitador crate behind the gateway), and the
// calls it counts are real calls of a developer's key through the gateway to the model Create model
// made, under the AuthPolicy and RateLimitPolicy the real kuadrant-operator enforces; the figures
// shown are checked against Limitador's own GET /counters/{namespace}. The developer (bob, free
// tier, not an admin) signs in through the harness's OIDC provider; the guest, the laptop portal's
// admin, sees everyone's refusals. Refusals, token counting and the charts are on the backfilled
// data (Kuadrant 1.3 + TelemetryPolicy shape: refusals by limit name on llm/simulator-route, none
// named on llm/qwen3-route, qwen3's vLLM tokens 30 % above Limitador's, llm/both-route under a
// RateLimitPolicy and a TokenRateLimitPolicy). Limitador counts tokens only under a
// TokenRateLimitPolicy that kuadrant-operator reconciles, which the harness's v1.2.0 never does: where a
// test reads backfilled token counts, it gives the model's TokenRateLimitPolicy the status Kuadrant 1.3
// writes and leaves on the route the policies its data was counted under. Also: the totals of each
// range as the API answers them, and the four states of missing data on the seeded routes
// (llm/legacy-route: series without user labels; llm/unscraped-route: no series; Prometheus
// stopped and started again). Runs alone (`*.exclusive.*`): it starts the portal and stops the
// harness's Prometheus.
jest.setTimeout(900_000);

const ARTIFACTS = artifactsDir('usage');

type Range = '1h' | '24h' | '7d';

/** What `GET /models/by-entity/usage` answers, as far as these tests read it. */
interface Usage {
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
function shownCount(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (value >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
  return Math.round(value).toLocaleString('en-US');
}

/** The number a shown count stands for: "12.3k" → 12300. */
function countOf(shown: string): number {
  const [, digits, unit] = /^([\d,.]+)([kM]?)$/.exec(shown)!;
  const n = Number(digits.replace(/,/g, ''));
  return n * { '': 1, k: 1e3, M: 1e6 }[unit as '' | 'k' | 'M'];
}

const sum = (series: Array<{ total: number }>) =>
  series.reduce((n, s) => n + s.total, 0);

/** vLLM's served tokens in an answer of everyone's usage. */
const servedTokens = (usage: Usage) =>
  usage.promptTokens!.total + usage.generationTokens!.total;

/**
 * The Usage card's totals line for an answer of the API (the guest, an admin, sees everyone's): the
 * tokens Limitador counted, or, on a route where it counts none, that it does not and vLLM's tokens.
 */
const totalsLine = (usage: Usage) =>
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
const perStep = (what: string, stepSeconds: number) =>
  `${what} per ${
    stepSeconds < 3600 ? `${stepSeconds / 60} min` : `${stepSeconds / 3600} h`
  }`;

/** The developer whose key calls the model: free tier, team-b, not an admin (examples/org.yaml). */
const DEVELOPER = 'bob';
/** The model Create model makes here, its host at the gateway and its route's Limitador namespace. */
const MODEL = 'simulator';
const HOST = `${MODEL}.maas.local`;
const LIMITADOR_NAMESPACE = `llm/${MODEL}-route`;

/** The developer's one counter on the route as Limitador lists it, with when it was asked and answered. */
async function developerCounter() {
  const askedAt = Date.now();
  const mine = (await limitadorCounters(LIMITADOR_NAMESPACE)).filter(c =>
    Object.values(c.set_variables).includes(DEVELOPER),
  );
  const answeredAt = Date.now();
  expect(mine).toHaveLength(1);
  return { counter: mine[0], askedAt, answeredAt };
}

describe('quota left, refused calls and token counting in a browser', () => {
  let session: PortalSession;
  let portal: Portal;
  let page: Page;
  /** The developer's own browser, signed in through the OIDC provider. */
  let developer: Page;
  let key: string;
  /** The developer's calls that the gateway answered. */
  let served = 0;
  const shoot = screenshots(ARTIFACTS);
  const screenshot = (name: string, element?: Locator) =>
    shoot(page, name, element);
  const card = (title: string) =>
    page
      .getByText(title, { exact: true })
      .first()
      .locator('xpath=ancestor::div[contains(@class, "MuiCard-root")][1]');

  async function createModel(name: string) {
    await createSimulatorModel(page, portal.appUrl, name);
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
      maas: { limitador: { url: harnessEnv('MAAS_HARNESS_LIMITADOR_URL') } },
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

  /** One chat completion of the developer's key through the gateway; its status. */
  async function call(): Promise<number> {
    const { status } = await callModel({
      host: HOST,
      key,
      body: chatBody(MODEL),
    });
    if (status === 200) served += 1;
    return status;
  }

  /**
   * Loads a page of the developer's and reads "<n> of 5 requests left in this 2 m window, resets in
   * <s> s" from `where`; checks n equal to Limitador's `remaining` for the developer, read just
   * before, and s within a second of Limitador's `expires_in_seconds` once the time between the two
   * reads is allowed for. Limitador truncates to whole seconds and the backend asks it somewhere
   * between the page's load and the sentence showing: so s is at least
   * floor(expires - (shown - asked)) and at most expires.
   */
  async function expectLiveQuota(
    path: string,
    where: () => Locator,
    prefix = '',
  ) {
    const { counter, askedAt, answeredAt } = await developerCounter();
    expect(counter.limit.max_value).toBe(5);
    expect(counter.limit.seconds).toBe(120);
    const loadedAt = Date.now();
    await developer.goto(`${portal.appUrl}${path}`);
    const sentence = new RegExp(
      `${prefix}(\\d+) of 5 requests left in this 2 m window, resets in (\\d+) s`,
    );
    const line = where().getByText(sentence);
    await line.waitFor();
    const shownAt = Date.now();
    const [, remaining, resetsIn] = sentence.exec((await line.textContent())!)!;
    const figures = {
      path,
      limitador: {
        remaining: counter.remaining,
        expires_in_seconds: counter.expires_in_seconds,
      },
      shown: { remaining: Number(remaining), resetsIn: Number(resetsIn) },
      msFromLimitadorToShown: shownAt - askedAt,
    };
    console.log(`Live quota: ${JSON.stringify(figures)}`);
    expect(Number(remaining)).toBe(counter.remaining);
    expect(counter.remaining).toBe(5 - served);
    expect(Number(resetsIn)).toBeLessThanOrEqual(counter.expires_in_seconds);
    expect(Number(resetsIn)).toBeGreaterThanOrEqual(
      Math.floor(counter.expires_in_seconds - (shownAt - askedAt) / 1000),
    );
    // The window did not end between the reads: the sentence is of the same window.
    expect(
      counter.expires_in_seconds - (shownAt - answeredAt) / 1000,
    ).toBeGreaterThan(0);
    expect(loadedAt).toBeGreaterThanOrEqual(answeredAt);
  }

  it('says a user without a key has no quota, and shows admins which limits refused whom', async () => {
    await createModel('simulator');
    const quota = card('Your quota left');
    await quota.getByText(/You have no working key for this model/).waitFor();
    await quota
      .getByLabel('Refused calls')
      .getByText('No call refused in the last 24 hours.')
      .waitFor();
    // The guest is an admin: everyone's refusals per user and limit, from limited_calls by limit_name.
    const table = page.getByText('Refused calls per user, last 24 hours');
    await table.waitFor();
    await expect(
      quota
        .getByRole('row', { name: /freeuser1 free free-user-requests \d+/ })
        .count(),
    ).resolves.toBe(1);
    await expect(
      quota.getByText('not reported (telemetry is not exhaustive)').count(),
    ).resolves.toBe(0);
    // Create model gave the route a RateLimitPolicy and a TokenRateLimitPolicy; the harness's
    // kuadrant-operator (v1.2.0) enforces the first only, so Limitador counts no tokens here and the
    // token check has nothing to compare (the health card shows no line for it).
    const check = await api('token-check', 'simulator');
    expect(check.state).toBe('no-token-limit');
    expect(check.message).toMatch(
      /^No TokenRateLimitPolicy that the installed Kuadrant enforces applies to this model/,
    );
    await screenshot('usage-refusals-per-user');
  });

  it("shows a developer the quota left live from Limitador after real calls of their key, on the Usage tab, and not everyone's refusals", async () => {
    const context = await session.browser.newContext({
      viewport: { width: 1400, height: 1000 },
    });
    developer = await context.newPage();
    developer.setDefaultTimeout(30_000);
    await signInThroughProvider(developer, portal.appUrl, DEVELOPER);
    await developer.goto(
      `${portal.appUrl}/catalog/default/component/${MODEL}/usage`,
    );
    // The portal's key flow: a free key is issued at once and shown once.
    await sendKeyRequest(developer, 'free', 'Checking my quota');
    key = await shownKeyValue(developer);
    expect(key).toMatch(/^maas_/);
    await developer.getByRole('button', { name: 'I have stored it' }).click();
    const quota = () =>
      developer
        .getByText('Your quota left', { exact: true })
        .first()
        .locator('xpath=ancestor::div[contains(@class, "MuiCard-root")][1]');
    const free = () => quota().getByLabel('Quota of tier free');
    // A key but no call yet: Limitador has no counter, the whole limit is left.
    await developer.reload();
    await free()
      .getByText(
        /^Requests: 5 of 5 requests left: no call in the current 2 m window$/,
      )
      .waitFor();
    await quota().getByText('live, from Limitador').waitFor();
    await shoot(developer, 'usage-quota-key-before-calls', quota());
    // A developer sees their own refusals only: the admins' table per user is not theirs.
    await expect(
      developer.getByText('Refused calls per user, last 24 hours').count(),
    ).resolves.toBe(0);

    // Calls through the gateway once it runs the operator's config for the model and Limitador its limits.
    await waitForGateway(HOST, {
      limitadorNamespace: LIMITADOR_NAMESPACE,
      timeoutMs: 120_000,
    });
    expect(
      (await limitadorCounters(LIMITADOR_NAMESPACE)).filter(c =>
        Object.values(c.set_variables).includes(DEVELOPER),
      ),
    ).toEqual([]);
    // Authorino learns of the new key Secret from its watch: a call before it does is refused
    // (401) before Limitador, which counts nothing.
    await eventually(
      'the new key to be let through the gateway',
      async () => ((await call()) === 401 ? undefined : true),
      30_000,
    );
    expect(await call()).toBe(200);
    expect(served).toBe(2);
    await expectLiveQuota(
      `/catalog/default/component/${MODEL}/usage`,
      free,
      '^Requests: ',
    );
    await quota().getByText('live, from Limitador').waitFor();
    await shoot(developer, 'usage-quota-left', quota());
    await shoot(developer, 'usage-tab-with-quota');
  });

  it('shows the developer the same live quota, one call later, and refused calls per model and tier on My API keys', async () => {
    expect(await call()).toBe(200);
    expect(served).toBe(3);
    const simulator = () => developer.getByLabel(`Quota on ${MODEL}`);
    await expectLiveQuota('/maas/keys', simulator);
    await simulator()
      .getByText(/^Key maas_\S+ of tier free, counted per user and tier/)
      .waitFor();
    await simulator()
      .getByText('No call refused in the last 24 hours.')
      .waitFor();
    // One model with working keys: one section, asked of the backend once.
    await expect(developer.getByLabel(/^Quota on /).count()).resolves.toBe(1);
    await shoot(developer, 'my-api-keys-quota');
  });

  const usageCard = () =>
    page
      .locator('.MuiCard-root')
      .filter({ has: page.getByRole('group', { name: 'Range' }) });
  /** The Usage card says nothing matching `text` (another state's sentence). */
  const expectNoText = (text: RegExp) =>
    expect(usageCard().getByText(text).count()).resolves.toBe(0);

  it("warns on the health card that a model's token limits are not counted, with the figures, and that limit names are not reported", async () => {
    await createModel('qwen3');
    // qwen3-route's backfilled data was counted under a TokenRateLimitPolicy only (authorized_hits
    // are its responses' tokens): the route gets those policies, the TokenRateLimitPolicy as Kuadrant
    // 1.3 would report it (the harness runs v1.2.0), the RateLimitPolicy Create model made removed.
    await session.kc
      .makeApiClient(CustomObjectsApi)
      .deleteNamespacedCustomObject({
        group: 'kuadrant.io',
        version: 'v1',
        plural: 'ratelimitpolicies',
        namespace: 'llm',
        name: 'qwen3-rate-limits',
      });
    await reportEnforcedAsKuadrant13(session.kc, 'qwen3-token-limits');
    const line = page.getByLabel('Token limits');
    const notCounted =
      /Token limits are not being counted: the model served [\d,]+ tokens in the last hour and Limitador counted [\d,]+: \d+(\.\d)? % uncounted/;
    // The backend's watch sees the change within seconds; the health card asks once per load.
    await eventually(
      "the token check to compare qwen3-route's tokens",
      async () => {
        await page.goto(
          `${portal.appUrl}/catalog/default/component/qwen3/usage`,
        );
        return await line
          .getByText(notCounted)
          .waitFor({ timeout: 10_000 })
          .then(() => true)
          .catch(() => undefined);
      },
    );
    await line.getByText(/stream_options/).waitFor();
    // The seeded data leaves 30 % of qwen3's tokens uncounted.
    expect(await line.textContent()).toMatch(/: 30(\.\d)? % uncounted/);
    await page
      .getByText('not reported (telemetry is not exhaustive)')
      .first()
      .waitFor();
    await page
      .getByText(/telemetry: exhaustive/)
      .first()
      .waitFor();
    await screenshot('health-tokens-not-counted', card('Health'));
    await screenshot('usage-qwen3-refusals-without-limit-names');
  });

  it('counts tokens once on a route under both a RateLimitPolicy and a TokenRateLimitPolicy, and says they are counted (Kuadrant-1.3-shaped backfilled data)', async () => {
    // Create model gives llm/both-route a RateLimitPolicy and a TokenRateLimitPolicy, the policies its
    // backfilled data was counted under; the TokenRateLimitPolicy as Kuadrant 1.3 would report it
    // (the harness runs v1.2.0).
    await createModel('both');
    await reportEnforcedAsKuadrant13(session.kc, 'both-token-limits');
    const line = page.getByLabel('Token limits');
    const counted =
      /Token limits are counted: the model served ([\d,]+) tokens in the last hour and Limitador counted ([\d,]+): 0 % uncounted/;
    await eventually(
      "the token check to count both-route's tokens",
      async () => {
        await page.goto(
          `${portal.appUrl}/catalog/default/component/both/usage`,
        );
        return await line
          .getByText(counted)
          .waitFor({ timeout: 10_000 })
          .then(() => true)
          .catch(() => undefined);
      },
    );
    // Limitador's authorized_hits there hold the request limit's 1 per call as well as the tokens:
    // the count shown is the tokens alone, which are what vLLM served on this data.
    const [, vllmServed, limitador] = counted.exec(
      (await line.getByText(counted).textContent())!,
    )!;
    expect(limitador).toBe(vllmServed);
    const usage = await usageApi('both', '24h');
    expect(usage.counting!.map(c => c.basis)).toEqual(
      usage.counting!.map(() => 'requests-and-tokens'),
    );
    expect(usage.counting!.length).toBeGreaterThan(0);
    await usageCard()
      .getByLabel('Usage totals')
      .getByText(totalsLine(usage))
      .waitFor();
    // Limitador counts tokens here: the Tokens chart is drawn, its y-axis naming its unit.
    await expect(
      usageCard()
        .getByRole('figure', { name: 'Tokens' })
        .locator('.recharts-yAxis .recharts-label')
        .textContent(),
    ).resolves.toBe(perStep('tokens', usage.stepSeconds));
    await screenshot('health-tokens-counted-both-policies', card('Health'));
  });
  /** `GET /api/maas/models/by-entity/<what>` of a model, as the guest (an admin). */
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

  it('shows for 1h, 24h and 7d the totals the API answers, never less for a longer range, with the unit on the y-axis and readable ticks', async () => {
    const shown: Record<string, number[]> = {};
    const answered: Record<string, number[]> = {};
    const covered: Record<string, { text: string; hours: number }> = {};
    for (const range of ['1h', '24h', '7d'] as const) {
      const { shown: line, usage } = await shownAndAnswered(range);
      expect(usage.state).toBe('calls');
      // The route's RateLimitPolicy is the only limit the harness's kuadrant-operator (v1.2.0)
      // enforces (Create model's TokenRateLimitPolicy it never reconciles): every tier's calls are
      // authorized_calls, which also count each call of the backfilled data (its TokenRateLimitPolicy
      // only) once, and Limitador's tokens are not shown: vLLM's are.
      expect(new Set(usage.counting!.map(c => c.basis))).toEqual(
        new Set(['requests']),
      );
      expect(line).toBe(totalsLine(usage));
      const [, calls, limited, tokens] =
        /^(\S+) authorized calls, (\S+) limited, tokens not counted by Limitador on this route \(the model server, vLLM, served (\S+) tokens\) \(everyone\)$/.exec(
          line,
        )!;
      shown[range] = [calls, limited, tokens].map(countOf);
      answered[range] = [
        sum(usage.authorized),
        sum(usage.limited),
        servedTokens(usage),
      ];

      const callsFigure = usageCard().getByRole('figure', {
        name: 'Authorized and limited calls',
      });
      // The y-axis names its unit, the step of this range's points.
      await expect(
        callsFigure.locator('.recharts-yAxis .recharts-label').textContent(),
      ).resolves.toBe(perStep('calls', usage.stepSeconds));
      // Limitador counts no tokens on this route (above): the Tokens chart has no series (and
      // recharts draws no axes for it); its caption still names the unit.
      const tokensFigure = usageCard().getByRole('figure', { name: 'Tokens' });
      await expect(
        tokensFigure.getByLabel('Tokens unit').textContent(),
      ).resolves.toMatch(
        new RegExp(`^${perStep('tokens', usage.stepSeconds)};`),
      );
      await expect(
        tokensFigure.locator('.recharts-area').count(),
      ).resolves.toBe(0);
      // Ticks read as times within a day and as days over a week, and no two read the same.
      const ticks = await callsFigure
        .locator('.recharts-xAxis .recharts-cartesian-axis-tick-value')
        .allTextContents();
      expect(ticks.length).toBeGreaterThanOrEqual(3);
      expect(new Set(ticks).size).toBe(ticks.length);
      for (const tick of ticks)
        expect(tick).toMatch(
          range === '7d'
            ? /^[A-Z][a-z]{2} \d{2} [A-Z][a-z]{2}$/
            : /^\d{2}:\d{2}$/,
        );
      // How much data the range holds, when it reaches back before the seeded data.
      if (range !== '1h')
        covered[range] = {
          text: (await usageCard().getByLabel('Data covered').textContent())!,
          hours: (usage.end - harnessMetrics().startTime) / 3600,
        };
      await screenshot(`usage-totals-${range}`);
    }
    // Monotonic, shown and answered: authorized calls, limited calls, vLLM's tokens.
    for (const figures of [shown, answered])
      for (let i = 0; i < 3; i++) {
        expect(figures['1h'][i]).toBeLessThanOrEqual(figures['24h'][i]);
        expect(figures['24h'][i]).toBeLessThanOrEqual(figures['7d'][i]);
      }
    // 24h and 7d reach back before the seeded data: both bounds the tab gives hold its own length
    // (its first sample to the window's end).
    for (const range of ['24h', '7d']) {
      const [, least, most] =
        /: ([\d.]+) to ([\d.]+) hours of the last (24 hours|7 days)\.$/.exec(
          covered[range].text,
        )!;
      expect(Number(least)).toBeLessThanOrEqual(covered[range].hours + 0.05);
      expect(Number(most)).toBeGreaterThanOrEqual(covered[range].hours - 0.05);
    }
    // The seeded data spans six hours of calls: the last hour holds fewer than the day.
    expect(answered['1h'][0]).toBeGreaterThan(0);
    expect(answered['1h'][0]).toBeLessThan(answered['24h'][0]);
  });

  it('says "no calls in this range" for a user whose keys made none, and only that', async () => {
    const mine = await usageApi('simulator', '24h', 'user');
    expect(mine.state).toBe('no-calls');
    await page.goto(
      `${portal.appUrl}/catalog/default/component/simulator/usage`,
    );
    await usageCard().getByRole('button', { name: 'Mine' }).click();
    await usageCard()
      .getByText(
        'No calls to this model in the last 24 hours with your keys. Calls appear here within a minute or two of being made; a longer range may show earlier ones.',
      )
      .waitFor();
    await expectNoText(/No series for/);
    await expect(
      usageCard().getByText('Series without user and group labels').count(),
    ).resolves.toBe(0);
    await screenshot('usage-state-no-calls', usageCard());
  });

  it("says a route's series carry no user or group labels, with the TelemetryPolicy to add, and charts everyone's calls", async () => {
    await createModel('legacy');
    const answer = await usageApi('legacy', '24h');
    expect(answer.state).toBe('no-user-labels');
    const alert = usageCard()
      .locator('.MuiAlert-root')
      .filter({ hasText: 'Series without user and group labels' });
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(
      /Limitador's metrics for llm\/legacy-route carry no user or group labels, so per-user and per-tier usage is unknown; the charts show everyone's calls\. Next step: ask the platform team to add a TelemetryPolicy on the Gateway/,
    );
    await usageCard().getByLabel('Usage totals').waitFor();
    expect(sum(answer.authorized)).toBeGreaterThan(0);
    await expectNoText(/No series for/);
    await expectNoText(/^No calls/);
    await screenshot('usage-state-no-user-labels');
  });

  it('says a tier without a token limit has "no token limit", in words', async () => {
    // The platform team's TokenRateLimitPolicy for legacy without the enterprise tier's limit.
    await session.kc
      .makeApiClient(CustomObjectsApi)
      .patchNamespacedCustomObject(
        {
          group: 'kuadrant.io',
          version: 'v1alpha1',
          plural: 'tokenratelimitpolicies',
          namespace: 'llm',
          name: 'legacy-token-limits',
          body: { spec: { limits: { 'enterprise-user-tokens': null } } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    const tiers = page.getByRole('table', { name: 'Tiers' });
    const enterprise = tiers
      .getByRole('row')
      .filter({ hasText: /^enterprise/ });
    await eventually('the enterprise tier without a token limit', async () => {
      await page.goto(
        `${portal.appUrl}/catalog/default/component/legacy/usage`,
      );
      await enterprise.waitFor();
      return /no token limit/.test((await enterprise.textContent())!)
        ? true
        : undefined;
    });
    expect(await enterprise.textContent()).toMatch(
      /^enterprise.*100 per 2m.*no token limit$/,
    );
    // Tiers that have one still show it.
    expect(
      await tiers.getByRole('row').filter({ hasText: /^free/ }).textContent(),
    ).toMatch(/100,000 per 1m$/);
    await screenshot('tiers-no-token-limit', card('Tiers'));
  });

  it('says a route without series has none, and what to check, instead of blaming labels or reporting no calls', async () => {
    await createModel('unscraped');
    expect((await usageApi('unscraped', '24h')).state).toBe('no-series');
    const alert = usageCard()
      .locator('.MuiAlert-root')
      .filter({ hasText: 'No series for llm/unscraped-route' });
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(
      /Prometheus has no metrics of Limitador for llm\/unscraped-route in the last 24 hours, so nothing about this route's calls is known\. Next step: check that Prometheus scrapes Limitador and that the route's rate limit policy is enforced/,
    );
    await expectNoText(/carry no user or group labels/);
    await expectNoText(/^No calls/);
    await expect(usageCard().getByLabel('Usage totals').count()).resolves.toBe(
      0,
    );
    await screenshot('usage-state-no-series', usageCard());
  });

  it('says Prometheus is unreachable, and what to check, while it is stopped', async () => {
    await stopServer('prometheus');
    try {
      // Answers are reused for maas.prometheus.cacheTtlSeconds (30 s in app-config.yaml).
      const alert = usageCard()
        .locator('.MuiAlert-root')
        .filter({ hasText: 'Prometheus is unreachable' });
      await eventually(
        'the Usage card to say Prometheus is unreachable',
        async () => {
          await page.goto(
            `${portal.appUrl}/catalog/default/component/simulator/usage`,
          );
          await usageCard()
            .locator('.MuiAlert-root, [aria-label="Usage totals"]')
            .first()
            .waitFor();
          return (await alert.count()) > 0 ? true : undefined;
        },
        120_000,
      );
      expect(await alert.textContent()).toMatch(
        /Prometheus \(maas\.prometheus\.url\) is unreachable.*so usage cannot be shown\. Ask the platform team to check that Prometheus is running and that maas\.prometheus\.url points at it\./,
      );
      await expect(
        usageCard()
          .getByText(/^No calls|No series for/)
          .count(),
      ).resolves.toBe(0);
      await screenshot('usage-state-prometheus-unreachable');
    } finally {
      await startServer('prometheus');
    }
    // Back with its data: the next browser test of this harness needs it.
    await eventually('usage again once Prometheus is back', async () =>
      (await usageApi('simulator', '24h').catch(() => undefined))?.state ===
      'calls'
        ? true
        : undefined,
    );
  });
});
