/**
 * @jest-environment node
 */
import {
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import {
  harnessMetrics,
  startServer,
  stopServer,
} from '@maas-portal/harness/testing';
import { eventually } from './browserHelpers';
import {
  countOf,
  perStep,
  servedTokens,
  sum,
  totalsLine,
  useUsageInBrowser,
} from './__testUtils__/usageInBrowser';

// The Usage card in the real portal in Debian's Chromium, on the harness's Prometheus with the
// backfilled data: the totals of each range as the API answers them, and the states of missing data
// on the seeded routes (llm/legacy-route: series without user labels; llm/unscraped-route: no
// series; a tier without a token limit; Prometheus stopped and started again). Runs alone
// (`*.exclusive.*`): it starts the portal and stops the harness's Prometheus.
jest.setTimeout(900_000);

describe("the Usage card's totals and its states of missing data in a browser", () => {
  const bed = useUsageInBrowser();

  // The simulator model, whose route llm/simulator-route the data counts, as Create model makes it.
  beforeAll(async () => {
    await bed.createModel('simulator');
  });

  it('shows for 1h, 24h and 7d the totals the API answers, never less for a longer range, with the unit on the y-axis and readable ticks', async () => {
    const shown: Record<string, number[]> = {};
    const answered: Record<string, number[]> = {};
    const covered: Record<string, { text: string; hours: number }> = {};
    for (const range of ['1h', '24h', '7d'] as const) {
      const { shown: line, usage } = await bed.shownAndAnswered(range);
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

      const callsFigure = bed.usageCard().getByRole('figure', {
        name: 'Authorized and limited calls',
      });
      // The y-axis names its unit, the step of this range's points.
      await expect(
        callsFigure.locator('.recharts-yAxis .recharts-label').textContent(),
      ).resolves.toBe(perStep('calls', usage.stepSeconds));
      // Limitador counts no tokens on this route (the harness's kuadrant-operator v1.2.0 enforces
      // its RateLimitPolicy only; see quotaInBrowser): the Tokens chart has no series (and
      // recharts draws no axes for it); its caption still names the unit.
      const tokensFigure = bed
        .usageCard()
        .getByRole('figure', { name: 'Tokens' });
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
          text: (await bed
            .usageCard()
            .getByLabel('Data covered')
            .textContent())!,
          hours: (usage.end - harnessMetrics().startTime) / 3600,
        };
      await bed.screenshot(`usage-totals-${range}`);
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
    const mine = await bed.usageApi('simulator', '24h', 'user');
    expect(mine.state).toBe('no-calls');
    await bed.page.goto(
      `${bed.portal.appUrl}/catalog/default/component/simulator/usage`,
    );
    await bed.usageCard().getByRole('button', { name: 'Mine' }).click();
    await bed
      .usageCard()
      .getByText(
        'No calls to this model in the last 24 hours with your keys. Calls appear here within a minute or two of being made; a longer range may show earlier ones.',
      )
      .waitFor();
    await bed.expectNoText(/No series for/);
    await expect(
      bed.usageCard().getByText('Series without user and group labels').count(),
    ).resolves.toBe(0);
    await bed.screenshot('usage-state-no-calls', bed.usageCard());
  });

  it("says a route's series carry no user or group labels, with the TelemetryPolicy to add, and charts everyone's calls", async () => {
    await bed.createModel('legacy');
    const answer = await bed.usageApi('legacy', '24h');
    expect(answer.state).toBe('no-user-labels');
    const alert = bed
      .usageCard()
      .locator('.MuiAlert-root')
      .filter({ hasText: 'Series without user and group labels' });
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(
      /Limitador's metrics for llm\/legacy-route carry no user or group labels, so per-user and per-tier usage is unknown; the charts show everyone's calls\. Next step: ask the platform team to add a TelemetryPolicy on the Gateway/,
    );
    await bed.usageCard().getByLabel('Usage totals').waitFor();
    expect(sum(answer.authorized)).toBeGreaterThan(0);
    await bed.expectNoText(/No series for/);
    await bed.expectNoText(/^No calls/);
    await bed.screenshot('usage-state-no-user-labels');
  });

  it('says a tier without a token limit has "no token limit", in words', async () => {
    // The platform team's TokenRateLimitPolicy for legacy without the enterprise tier's limit.
    await bed.session.kc
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
    const tiers = bed.page.getByRole('table', { name: 'Tiers' });
    const enterprise = tiers
      .getByRole('row')
      .filter({ hasText: /^enterprise/ });
    await eventually('the enterprise tier without a token limit', async () => {
      await bed.page.goto(
        `${bed.portal.appUrl}/catalog/default/component/legacy/usage`,
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
    await bed.screenshot('tiers-no-token-limit', bed.card('Tiers'));
  });

  it('says a route without series has none, and what to check, instead of blaming labels or reporting no calls', async () => {
    await bed.createModel('unscraped');
    expect((await bed.usageApi('unscraped', '24h')).state).toBe('no-series');
    const alert = bed
      .usageCard()
      .locator('.MuiAlert-root')
      .filter({ hasText: 'No series for llm/unscraped-route' });
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(
      /Prometheus has no metrics of Limitador for llm\/unscraped-route in the last 24 hours, so nothing about this route's calls is known\. Next step: check that Prometheus scrapes Limitador and that the route's rate limit policy is enforced/,
    );
    await bed.expectNoText(/carry no user or group labels/);
    await bed.expectNoText(/^No calls/);
    await expect(
      bed.usageCard().getByLabel('Usage totals').count(),
    ).resolves.toBe(0);
    await bed.screenshot('usage-state-no-series', bed.usageCard());
  });

  it('says Prometheus is unreachable, and what to check, while it is stopped', async () => {
    await stopServer('prometheus');
    try {
      // Answers are reused for maas.prometheus.cacheTtlSeconds (30 s in app-config.yaml).
      const alert = bed
        .usageCard()
        .locator('.MuiAlert-root')
        .filter({ hasText: 'Prometheus is unreachable' });
      await eventually(
        'the Usage card to say Prometheus is unreachable',
        async () => {
          await bed.page.goto(
            `${bed.portal.appUrl}/catalog/default/component/simulator/usage`,
          );
          await bed
            .usageCard()
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
        bed
          .usageCard()
          .getByText(/^No calls|No series for/)
          .count(),
      ).resolves.toBe(0);
      await bed.screenshot('usage-state-prometheus-unreachable');
    } finally {
      await startServer('prometheus');
    }
    // Back with its data: the next browser test of this harness needs it.
    await eventually('usage again once Prometheus is back', async () =>
      (await bed.usageApi('simulator', '24h').catch(() => undefined))?.state ===
      'calls'
        ? true
        : undefined,
    );
  });
});
