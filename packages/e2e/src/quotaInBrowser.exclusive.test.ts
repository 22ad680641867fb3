/**
 * @jest-environment node
 */
import { CustomObjectsApi } from '@kubernetes/client-node';
import {
  callModel,
  chatBody,
  limitadorCounters,
  waitForGateway,
} from '@maas-portal/harness/testing';
import { Locator, Page } from 'playwright-core';
import {
  eventually,
  sendKeyRequest,
  shownKeyValue,
  signInThroughProvider,
} from './browserHelpers';
import { reportEnforcedAsKuadrant13 } from './kuadrantStatus';
import {
  DEVELOPER,
  developerCounter,
  HOST,
  LIMITADOR_NAMESPACE,
  MODEL,
  perStep,
  totalsLine,
  useUsageInBrowser,
} from './__testUtils__/usageInBrowser';

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
// writes and leaves on the route the policies its data was counted under. Runs alone
// (`*.exclusive.*`): it starts the portal. The Usage card's totals and the states of missing data
// are usageStatesInBrowser.exclusive.test.ts's.
jest.setTimeout(900_000);

describe('quota left, refused calls and token counting in a browser', () => {
  const bed = useUsageInBrowser();
  /** The developer's own browser, signed in through the OIDC provider. */
  let developer: Page;
  let key: string;
  /** The developer's calls that the gateway answered. */
  let served = 0;

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
    await developer.goto(`${bed.portal.appUrl}${path}`);
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
    await bed.createModel('simulator');
    const quota = bed.card('Your quota left');
    await quota.getByText(/You have no working key for this model/).waitFor();
    await quota
      .getByLabel('Refused calls')
      .getByText('No call refused in the last 24 hours.')
      .waitFor();
    // The guest is an admin: everyone's refusals per user and limit, from limited_calls by limit_name.
    const table = bed.page.getByText('Refused calls per user, last 24 hours');
    await table.waitFor();
    await expect(
      quota
        .getByRole('row', { name: /freeuser1 free free-user-requests \d+/ })
        .count(),
    ).resolves.toBe(1);
    // Every user's row names the limit that refused them (the generated data always does). A row
    // without a user label may not: calls refused through the bed's data plane (kuadrant-operator
    // v1.2.0 gives Limitador's series only the route) by a file that ran before on this route, as
    // playground.exclusive does when it runs first.
    const rows = await quota.getByRole('row').allInnerTexts();
    expect(
      rows.filter(
        r =>
          r.includes('not reported (telemetry is not exhaustive)') &&
          !r.includes('no user label (no TelemetryPolicy)'),
      ),
    ).toEqual([]);
    // Create model gave the route a RateLimitPolicy and a TokenRateLimitPolicy; the harness's
    // kuadrant-operator (v1.2.0) enforces the first only, so Limitador counts no tokens here and the
    // token check has nothing to compare (the health card shows no line for it).
    const check = await bed.api('token-check', 'simulator');
    expect(check.state).toBe('no-token-limit');
    expect(check.message).toMatch(
      /^No TokenRateLimitPolicy that the installed Kuadrant enforces applies to this model/,
    );
    await bed.screenshot('usage-refusals-per-user');
  });

  it("shows a developer the quota left live from Limitador after real calls of their key, on the Usage tab, and not everyone's refusals", async () => {
    const context = await bed.session.browser.newContext({
      viewport: { width: 1400, height: 1000 },
    });
    developer = await context.newPage();
    developer.setDefaultTimeout(30_000);
    await signInThroughProvider(developer, bed.portal.appUrl, DEVELOPER);
    await developer.goto(
      `${bed.portal.appUrl}/catalog/default/component/${MODEL}/usage`,
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
    await bed.shoot(developer, 'usage-quota-key-before-calls', quota());
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
    await bed.shoot(developer, 'usage-quota-left', quota());
    await bed.shoot(developer, 'usage-tab-with-quota');
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
    await bed.shoot(developer, 'my-api-keys-quota');
  });

  it("warns on the health card that a model's token limits are not counted, with the figures, and that limit names are not reported", async () => {
    await bed.createModel('qwen3');
    // qwen3-route's backfilled data was counted under a TokenRateLimitPolicy only (authorized_hits
    // are its responses' tokens): the route gets those policies, the TokenRateLimitPolicy as Kuadrant
    // 1.3 would report it (the harness runs v1.2.0), the RateLimitPolicy Create model made removed.
    await bed.session.kc
      .makeApiClient(CustomObjectsApi)
      .deleteNamespacedCustomObject({
        group: 'kuadrant.io',
        version: 'v1',
        plural: 'ratelimitpolicies',
        namespace: 'llm',
        name: 'qwen3-rate-limits',
      });
    await reportEnforcedAsKuadrant13(bed.session.kc, 'qwen3-token-limits');
    const line = bed.page.getByLabel('Token limits');
    const notCounted =
      /Token limits are not being counted: the model served [\d,]+ tokens in the last hour and Limitador counted [\d,]+: \d+(\.\d)? % uncounted/;
    // The backend's watch sees the change within seconds; the health card asks once per load.
    await eventually(
      "the token check to compare qwen3-route's tokens",
      async () => {
        await bed.page.goto(
          `${bed.portal.appUrl}/catalog/default/component/qwen3/usage`,
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
    await bed.page
      .getByText('not reported (telemetry is not exhaustive)')
      .first()
      .waitFor();
    await bed.page
      .getByText(/telemetry: exhaustive/)
      .first()
      .waitFor();
    await bed.screenshot('health-tokens-not-counted', bed.card('Health'));
    await bed.screenshot('usage-qwen3-refusals-without-limit-names');
  });

  it('counts tokens once on a route under both a RateLimitPolicy and a TokenRateLimitPolicy, and says they are counted (Kuadrant-1.3-shaped backfilled data)', async () => {
    // Create model gives llm/both-route a RateLimitPolicy and a TokenRateLimitPolicy, the policies its
    // backfilled data was counted under; the TokenRateLimitPolicy as Kuadrant 1.3 would report it
    // (the harness runs v1.2.0).
    await bed.createModel('both');
    await reportEnforcedAsKuadrant13(bed.session.kc, 'both-token-limits');
    const line = bed.page.getByLabel('Token limits');
    const counted =
      /Token limits are counted: the model served ([\d,]+) tokens in the last hour and Limitador counted ([\d,]+): 0 % uncounted/;
    await eventually(
      "the token check to count both-route's tokens",
      async () => {
        await bed.page.goto(
          `${bed.portal.appUrl}/catalog/default/component/both/usage`,
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
    const usage = await bed.usageApi('both', '24h');
    expect(usage.counting!.map(c => c.basis)).toEqual(
      usage.counting!.map(() => 'requests-and-tokens'),
    );
    expect(usage.counting!.length).toBeGreaterThan(0);
    await bed
      .usageCard()
      .getByLabel('Usage totals')
      .getByText(totalsLine(usage))
      .waitFor();
    // Limitador counts tokens here: the Tokens chart is drawn, its y-axis naming its unit.
    await expect(
      bed
        .usageCard()
        .getByRole('figure', { name: 'Tokens' })
        .locator('.recharts-yAxis .recharts-label')
        .textContent(),
    ).resolves.toBe(perStep('tokens', usage.stepSeconds));
    await bed.screenshot(
      'health-tokens-counted-both-policies',
      bed.card('Health'),
    );
  });
});
