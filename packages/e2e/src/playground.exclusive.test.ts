/**
 * @jest-environment node
 */
import { harnessEnv, waitForGateway } from '@maas-portal/harness/testing';
import { readFileSync } from 'node:fs';
import { Locator, Page } from 'playwright-core';
import {
  sendKeyRequest,
  shownKeyValue,
  signInThroughProvider,
} from './browserHelpers';
import {
  DEVELOPER,
  developerCounter,
  HOST,
  LIMITADOR_NAMESPACE,
  MODEL,
  useUsageInBrowser,
} from './__testUtils__/usageInBrowser';

// "Try it" on a model's Usage tab, in the real portal in Debian's Chromium: a developer (bob, free tier,
// not an admin, signed in through the harness's OIDC provider) pastes the key the portal showed him once,
// and the portal's backend sends the chat completion through the model's gateway route (maas.gateway.url
// is the harness gateway; the model's host name goes as the Host header): Authorino checks the key,
// Limitador counts the call under the RateLimitPolicy Create model made (free: 5 per 2 m), the
// simulator streams the answer. The page shows the answer, the tokens it used, the status and the
// quota left; at the limit, the 429 with the limit and its reset, checked against Limitador's own
// counter. The key's value is in no page URL, no storage and no line of the portal's log. Runs alone
// (`*.exclusive.*`): it starts the portal.
jest.setTimeout(900_000);

describe('the playground on the Usage tab, through the gateway, in a browser', () => {
  const bed = useUsageInBrowser({
    maas: () => ({
      gateway: { url: harnessEnv('MAAS_HARNESS_GATEWAY_URL') },
    }),
  });
  let developer: Page;
  let key: string;

  const card = (): Locator =>
    developer
      .getByText('Try it', { exact: true })
      .first()
      .locator('xpath=ancestor::div[contains(@class, "MuiCard-root")][1]');

  /** Clicks Send and waits for the call to end; the gateway's status as the card shows it. */
  async function send(): Promise<number> {
    // Send empties the last result at once (a click's state is applied before it returns).
    await card().getByRole('button', { name: 'Send', exact: true }).click();
    await card()
      .getByRole('button', { name: 'Send', exact: true })
      .waitFor({ timeout: 60_000 });
    const status = (await card().getByLabel('Gateway status').textContent())!;
    return Number(/^Status (\d+):/.exec(status)![1]);
  }

  it('as a developer, sends a prompt with a pasted key and sees the streamed answer, the tokens it used and the quota left, live from Limitador', async () => {
    await bed.createModel(MODEL);
    const context = await bed.session.browser.newContext({
      viewport: { width: 1400, height: 1000 },
    });
    developer = await context.newPage();
    developer.setDefaultTimeout(30_000);
    await signInThroughProvider(developer, bed.portal.appUrl, DEVELOPER);
    const usageTab = `${bed.portal.appUrl}/catalog/default/component/${MODEL}/usage`;
    await developer.goto(usageTab);
    await sendKeyRequest(developer, 'free', 'Trying the playground');
    key = await shownKeyValue(developer);
    expect(key).toMatch(/^maas_/);
    await developer.getByRole('button', { name: 'I have stored it' }).click();
    await developer.reload();

    await card().getByLabel('Your key').click();
    await developer.getByRole('option', { name: /\(free\)$/ }).click();
    await card().getByLabel('Key value to send').fill(key);
    await card().getByLabel('Prompt').fill('Say hello in five words');
    await card().getByLabel('Max tokens').fill('16');

    await waitForGateway(HOST, {
      limitadorNamespace: LIMITADOR_NAMESPACE,
      timeoutMs: 120_000,
    });
    // Authorino learns of the new key Secret from its watch: until then the gateway answers 401,
    // which the card explains and Limitador does not count.
    const early: number[] = [];
    for (const deadline = Date.now() + 60_000; ; ) {
      const status = await send();
      if (status === 200) break;
      early.push(status);
      expect(status).toBe(401);
      await card()
        .getByLabel('Why the gateway refused')
        .getByText(
          'Not authenticated (401): the gateway did not accept the key',
        )
        .waitFor();
      if (Date.now() > deadline)
        throw new Error('the new key was not let through within 60 s');
      await developer.waitForTimeout(1000);
    }
    console.log(
      `Playground: ${early.length} call(s) answered 401 before the gateway knew the key`,
    );

    await expect(
      card().getByLabel('Gateway status').textContent(),
    ).resolves.toBe('Status 200: answered, streamed');
    const answer = (await card().getByLabel('Answer').textContent())!;
    expect(answer.trim().length).toBeGreaterThan(0);
    const tokens = (await card().getByLabel('Tokens used').textContent())!;
    const [, prompt, completion, total] =
      /^Tokens used: (\d+) prompt \+ (\d+) completion = (\d+) tokens$/.exec(
        tokens,
      ) ?? [];
    expect(Number(prompt)).toBeGreaterThan(0);
    expect(Number(completion)).toBeGreaterThan(0);
    expect(Number(completion)).toBeLessThanOrEqual(16);
    expect(Number(total)).toBe(Number(prompt) + Number(completion));

    // The quota after the call, as the Quota card reads it, equals Limitador's counter: one call.
    const { counter } = await developerCounter();
    expect(counter.remaining).toBe(4);
    await card()
      .getByLabel('Quota after the call')
      .getByText(
        /^Requests: 4 of 5 requests left in this 2 m window, resets in \d+ s$/,
      )
      .waitFor();
    await bed.shoot(developer, 'playground-answer', card());
  });

  it('sends until the free limit and shows the 429 with the limit and when it resets, as Limitador counts them', async () => {
    const statuses: number[] = [];
    let sentAt = 0;
    for (let i = 0; i < 5; i++) {
      sentAt = Date.now();
      const status = await send();
      statuses.push(status);
      if (status === 429) break;
    }
    // Four more within the free tier's 5 per 2 m, then the refusal.
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    const { counter, askedAt } = await developerCounter();
    expect(counter.remaining).toBe(0);
    const why = card().getByLabel('Why the gateway refused');
    await why
      .getByText('Rate limit reached (429): the gateway refused the call')
      .waitFor();
    const sentence =
      /free tier: 5 requests per 2m, all used in this window; resets in about (\d+) s\./;
    const [, resetsIn] = sentence.exec((await why.textContent())!) ?? [];
    expect(resetsIn).toBeDefined();
    // The backend read Limitador after the last Send, this test after the page showed it: the reset
    // shown is Limitador's, counted down by at most the time in between (both truncate to seconds).
    expect(Number(resetsIn)).toBeGreaterThanOrEqual(
      counter.expires_in_seconds - 1,
    );
    expect(Number(resetsIn)).toBeLessThanOrEqual(
      counter.expires_in_seconds + Math.ceil((askedAt - sentAt) / 1000) + 1,
    );
    await expect(
      card().getByLabel('Gateway status').textContent(),
    ).resolves.toMatch(/^Status 429: /);
    await card()
      .getByLabel('Quota after the call')
      .getByText(/^Requests: 0 of 5 requests left in this 2 m window/)
      .waitFor();
    await bed.shoot(developer, 'playground-429', card());
    // The page's Quota card read the quota again after the calls, without a reload.
    await developer
      .getByText('Your quota left', { exact: true })
      .first()
      .locator('xpath=ancestor::div[contains(@class, "MuiCard-root")][1]')
      .getByLabel('Quota of tier free')
      .getByText(/^Requests: 0 of 5 requests left in this 2 m window/)
      .waitFor();

    // The key was sent in request bodies only: in no URL, no storage, no line of the portal's log.
    expect(developer.url()).not.toContain(key);
    const stored = await developer.evaluate(() =>
      JSON.stringify({ ...localStorage, ...sessionStorage }),
    );
    expect(stored.includes(key)).toBe(false);
    expect(readFileSync(bed.portal.logFile, 'utf8').includes(key)).toBe(false);
    expect(
      readFileSync(bed.portal.logFile, 'utf8').includes(
        `Playground: user:default/${DEVELOPER} called model ${MODEL}`,
      ),
    ).toBe(true);
  });

  it("stops a slowly streamed answer: the answer so far stays, no error, Send again; the call counted at Limitador, and the page's quota and key list follow without a reload", async () => {
    // A model whose simulator streams a token a second (Create model's inter-token latency): an
    // answer of up to 1000 tokens is still streaming when Stop is clicked. Its own route, so its
    // own free-tier counter: the calls of the tests above do not count here.
    const slow = `${MODEL}-slow`;
    const slowNamespace = `llm/${slow}-route`;
    await bed.createModel(slow, { interTokenLatencyMs: 1000 });
    await developer.goto(
      `${bed.portal.appUrl}/catalog/default/component/${slow}/usage`,
    );
    const freeKeys = developer.getByRole('option', { name: /\(free\)$/ });
    // No key of bob's for this model yet: the picker offers only "Another key".
    await card().getByLabel('Your key').click();
    await developer.getByRole('option', { name: 'Another key' }).waitFor();
    expect(await freeKeys.count()).toBe(0);
    await developer.keyboard.press('Escape');

    // The key issued in Your keys is in Try it's picker at once: the card read its key list
    // again (keysRefresh), no reload.
    await sendKeyRequest(developer, 'free', 'Stopping a slow answer');
    const slowKey = await shownKeyValue(developer);
    expect(slowKey).toMatch(/^maas_/);
    await developer.getByRole('button', { name: 'I have stored it' }).click();
    await card().getByLabel('Your key').click();
    await freeKeys.first().waitFor();
    expect(await freeKeys.count()).toBe(1);
    await freeKeys.first().click();
    await card().getByLabel('Key value to send').fill(slowKey);
    await card().getByLabel('Prompt').fill('Tell me a long story');

    await waitForGateway(`${slow}.maas.local`, {
      limitadorNamespace: slowNamespace,
      timeoutMs: 120_000,
    });
    // Until Authorino knows the key: 401s, not counted. One token answers at once.
    await card().getByLabel('Max tokens').fill('1');
    let calls = 0;
    for (const deadline = Date.now() + 60_000; ; ) {
      const status = await send();
      if (status === 200) break;
      expect(status).toBe(401);
      if (Date.now() > deadline)
        throw new Error('the new key was not let through within 60 s');
      await developer.waitForTimeout(1000);
    }
    calls += 1;

    // Stop once the first words show. The simulator picks the answer's length (1 to 1000 tokens;
    // 1000 and the prompt stay within its default 1024-token context): a one-token answer ends
    // before Stop can be clicked, so one more try then.
    await card().getByLabel('Max tokens').fill('1000');
    const answer = card().getByLabel('Answer');
    const status = card().getByLabel('Gateway status');
    let before = '';
    for (let attempt = 1; ; attempt++) {
      await card().getByRole('button', { name: 'Send', exact: true }).click();
      calls += 1;
      for (const deadline = Date.now() + 30_000; ; ) {
        if (await status.count())
          throw new Error(
            `the call ended before Stop: ${await status.textContent()}`,
          );
        before = (await answer.count())
          ? ((await answer.textContent()) ?? '').trim()
          : '';
        if (before !== '' && before !== '…') break;
        if (Date.now() > deadline)
          throw new Error('no word of the answer showed within 30 s');
        await developer.waitForTimeout(100);
      }
      const stopped = await card()
        .getByRole('button', { name: 'Stop', exact: true })
        .click({ timeout: 1000 })
        .then(() => true)
        .catch(() => false);
      if (stopped) break;
      const ended = await status.textContent();
      if (attempt === 2 || ended !== 'Status 200: answered, streamed')
        throw new Error(`the call ended before Stop: ${ended}`);
    }
    await card()
      .getByLabel('Stopped')
      .getByText(
        /^Stopped: the answer above is what the model sent until then\. The call counts against your quota all the same\.$/,
      )
      .waitFor();
    // The answer so far stays (a word may have come between reading it and the click).
    const kept = ((await answer.textContent()) ?? '').trim();
    expect(kept.startsWith(before)).toBe(true);
    // Stopped before its end: no status, no tokens, no error or warning, and Send works again.
    expect(await card().getByLabel('Gateway status').count()).toBe(0);
    expect(await card().getByLabel('Tokens used').count()).toBe(0);
    expect(await card().getByRole('alert').count()).toBe(0);
    expect(
      await card().getByRole('button', { name: 'Stop', exact: true }).count(),
    ).toBe(0);
    expect(
      await card()
        .getByRole('button', { name: 'Send', exact: true })
        .isEnabled(),
    ).toBe(true);
    await bed.shoot(developer, 'playground-stopped', card());

    // The gateway counted the stopped call before the model answered: Limitador says so, and the
    // card's and the page's Quota card (read again after the call, no reload) show its figure.
    const pageQuota = developer
      .getByText('Your quota left', { exact: true })
      .first()
      .locator('xpath=ancestor::div[contains(@class, "MuiCard-root")][1]')
      .getByLabel('Quota of tier free');
    const quotaLine = (left: number) =>
      new RegExp(
        `^Requests: ${left} of 5 requests left in this 2 m window, resets in \\d+ s$`,
      );
    const stoppedCounter = (await developerCounter(slowNamespace)).counter;
    expect(stoppedCounter.remaining).toBe(5 - calls);
    await card()
      .getByLabel('Quota after the call')
      .getByText(quotaLine(stoppedCounter.remaining))
      .waitFor();
    await pageQuota.getByText(quotaLine(stoppedCounter.remaining)).waitFor();

    // Send again, a short answer: it ends, the stop note goes, and both quota figures follow.
    await card().getByLabel('Max tokens').fill('2');
    expect(await send()).toBe(200);
    calls += 1;
    expect(await card().getByLabel('Stopped').count()).toBe(0);
    const { counter } = await developerCounter(slowNamespace);
    expect(counter.remaining).toBe(5 - calls);
    await card()
      .getByLabel('Quota after the call')
      .getByText(quotaLine(counter.remaining))
      .waitFor();
    await pageQuota.getByText(quotaLine(counter.remaining)).waitFor();
    // The key list is still read: the key is still the one picked.
    await expect(card().getByLabel('Your key').textContent()).resolves.toMatch(
      /\(free\)$/,
    );

    // 1024 tokens and the prompt exceed the simulator's 1024-token context: it answers 200, then
    // its error in the stream. The card says so, as a warning, with no answer.
    await card().getByLabel('Max tokens').fill('1024');
    expect(await send()).toBe(200);
    calls += 1;
    await card()
      .getByRole('alert')
      .getByText(
        /^The model answered with an error: This model's maximum context length is 1024 tokens\./,
      )
      .waitFor();
    expect(await card().getByLabel('Answer').count()).toBe(0);
    expect((await developerCounter(slowNamespace)).counter.remaining).toBe(
      5 - calls,
    );
    console.log(
      `Playground Stop: ${calls} calls on ${slow}, Limitador left ${
        5 - calls
      } of 5`,
    );
  });
});
