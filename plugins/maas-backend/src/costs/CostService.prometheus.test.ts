import { mockCredentials } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { CostReport, CostRow } from '@maas-portal/plugin-maas-common';
import { harnessMetrics } from '@maas-portal/harness/testing';
import { HttpPrometheusClient } from '../prometheus/HttpPrometheusClient';
import {
  COST_SYSTEMS,
  COST_TEAMS,
  costCatalog,
  costPricingConfig,
  LEAD,
} from '../__testUtils__/costFixtures';
import { counting } from '../__testUtils__/countingPrometheus';
import { datasetRouteLimits } from '../__testUtils__/datasetPolicies';
import { CostService } from './CostService';
import { expectedCost, truthLines } from '../__testUtils__/costTruth';

type Summary = ReturnType<typeof harnessMetrics>;

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const cents = (x: number) => Math.round(x * 100) / 100;
const rowOf = (rows: CostRow[], ref: string) => rows.find(r => r.ref === ref)!;

describe('CostService against the real Prometheus with the generated data', () => {
  let summary: Summary;
  let service: CostService;
  const admin = {
    credentials: mockCredentials.user('user:default/ops'),
    userRef: 'user:default/ops',
    readAll: true,
  };

  beforeAll(() => {
    summary = harnessMetrics();
    service = new CostService({
      prometheus: new HttpPrometheusClient({
        url: process.env.MAAS_HARNESS_PROMETHEUS_URL!,
        timeoutMs: 5000,
      }),
      catalog: catalogServiceMock({ entities: costCatalog() }),
      pricing: costPricingConfig(),
      limitsOf: datasetRouteLimits(summary),
    });
  });

  const wholeData = () => ({ start: summary.startTime, end: summary.endTime });

  it('counts every user, group, system and model exactly as the data does, and prices them', async () => {
    const report = await service.report(wholeData(), admin);
    const lines = truthLines(summary, summary.startTime, summary.endTime);
    // Over the whole data, the data's own totals (from its first sample to its last): the calls
    // served, each once, where two policies count them.
    expect(sum(lines.map(l => l.calls))).toBe(
      sum(
        summary.routes
          .filter(r => r.perUserLabels && !r.noSeries)
          .map(r =>
            r.requestAndTokenLimits
              ? summary.servedCalls![r.limitadorNamespace]._all
              : summary.totals.authorized_calls[r.limitadorNamespace]._all,
          ),
      ),
    );
    expect(report.currency).toBe('EUR');
    expect(report.scope).toBe('all');
    for (const name of new Set(lines.map(l => l.user))) {
      const mine = lines.filter(l => l.user === name);
      const row = rowOf(report.users, `user:default/${name}`);
      expect(row.title).toBe(`User ${name}`);
      expect(row.calls).toBe(sum(mine.map(l => l.calls)));
      expect(row.tokens).toBe(sum(mine.map(l => l.tokens)));
      expect(row.cost).toBe(cents(sum(mine.map(expectedCost))));
    }
    for (const [group, members] of Object.entries(COST_TEAMS)) {
      const theirs = lines.filter(l => members.includes(l.user));
      const row = rowOf(report.groups, group);
      expect(row.calls).toBe(sum(theirs.map(l => l.calls)));
      expect(row.tokens).toBe(sum(theirs.map(l => l.tokens)));
      expect(row.cost).toBe(cents(sum(theirs.map(expectedCost))));
      expect(row.users).toBe(new Set(theirs.map(l => l.user)).size);
    }
    for (const [system, route] of Object.entries(COST_SYSTEMS)) {
      const theirs = lines.filter(l => l.route === route);
      const row = rowOf(report.systems, system);
      expect(row.calls).toBe(sum(theirs.map(l => l.calls)));
      expect(row.cost).toBe(cents(sum(theirs.map(expectedCost))));
    }
    // The System without an entity keeps its ref as its title.
    expect(rowOf(report.systems, 'system:default/chat').title).toBe('Chat');
    expect(rowOf(report.systems, 'system:default/search').title).toBe(
      'system:default/search',
    );
    expect(rowOf(report.models, 'component:default/qwen3').title).toBe(
      'Model qwen3',
    );
    // Each model entity's row: its route's calls, tokens and cost.
    for (const name of ['simulator', 'qwen3']) {
      const theirs = lines.filter(l => l.route === `llm/${name}-route`);
      expect(theirs.length).toBeGreaterThan(0);
      const row = rowOf(report.models, `component:default/${name}`);
      expect(row.calls).toBe(sum(theirs.map(l => l.calls)));
      expect(row.tokens).toBe(sum(theirs.map(l => l.tokens)));
      expect(row.cost).toBe(cents(sum(theirs.map(expectedCost))));
    }
    expect(report.total).toEqual({
      calls: sum(lines.map(l => l.calls)),
      tokens: sum(lines.map(l => l.tokens)),
      cost: cents(sum(lines.map(expectedCost))),
    });
    // Premium and enterprise tokens cost money here: the figures are not all zero.
    expect(report.total.cost).toBeGreaterThan(0);
    // The legacy route has calls without a user label: no row holds them, and the report says so.
    expect(report.warnings.join(' ')).toMatch(
      /Calls without a user label are in no row: llm\/legacy-route \(\d+ calls\)/,
    );
  });

  it("on Kuadrant-1.3-shaped backfilled data: counts each call on a route under both policies once, and only its tokens, exactly the data's served calls and counted tokens", async () => {
    const both = 'llm/both-route';
    const report = await service.report(wholeData(), admin);
    const row = rowOf(report.models, both);
    expect(row.calls).toBe(summary.servedCalls![both]._all);
    expect(row.tokens).toBe(summary.countedTokens![both]._all);
    // Limitador's own counter holds more than twice as many.
    expect(summary.totals.authorized_calls[both]._all).toBeGreaterThan(
      2 * row.calls,
    );
    for (const user of summary.routes.find(r => r.limitadorNamespace === both)!
      .users) {
      const mine = truthLines(summary, summary.startTime, summary.endTime).find(
        l => l.route === both && l.user === user,
      )!;
      expect(mine.calls).toBe(summary.servedCalls![both][user]);
      expect(mine.tokens).toBe(summary.countedTokens![both][user]);
    }
    expect(report.warnings.join(' ')).not.toMatch(/both-route/);
  });

  it('computes figures only once the routes are read: a report asked just after a start counts by their limits', async () => {
    // The cluster's watch caches, as a backend just started has them: no route known until their first
    // LIST (ClusterState.firstRead, which plugin.ts passes as routesRead) has been stored.
    let routesKnown = false;
    const justStarted = new CostService({
      prometheus: new HttpPrometheusClient({
        url: process.env.MAAS_HARNESS_PROMETHEUS_URL!,
        timeoutMs: 5000,
      }),
      catalog: catalogServiceMock({ entities: costCatalog() }),
      pricing: costPricingConfig(),
      limitsOf: route =>
        routesKnown ? datasetRouteLimits(summary)(route) : undefined,
      routesRead: () =>
        new Promise(resolve =>
          setTimeout(() => {
            routesKnown = true;
            resolve();
          }, 300),
        ),
    });
    const report = await justStarted.report(wholeData(), admin);
    const known = await service.report(wholeData(), admin);
    expect(report.total).toEqual(known.total);
    expect(report.models).toEqual(known.models);
    expect(report.warnings).toEqual(known.warnings);
  });

  it('says a route under a RateLimitPolicy only counts no tokens, and counts its calls once, never its hits as tokens', async () => {
    // The data's legacy route, counted as if its series carried user labels: the limits alone decide.
    const requestsOnly = new CostService({
      prometheus: new HttpPrometheusClient({
        url: process.env.MAAS_HARNESS_PROMETHEUS_URL!,
        timeoutMs: 5000,
      }),
      catalog: catalogServiceMock({ entities: costCatalog() }),
      limitsOf: ns =>
        datasetRouteLimits(summary)(
          ns === 'llm/qwen3-route' ? 'llm/legacy-route' : ns,
        ),
    });
    const report = await requestsOnly.report(wholeData(), admin);
    const qwen3 = rowOf(report.models, 'component:default/qwen3');
    expect(qwen3.tokens).toBe(0);
    expect(qwen3.calls).toBe(
      summary.totals.authorized_calls['llm/qwen3-route']._all,
    );
    expect(report.warnings).toContain(
      'Limitador counts no tokens on llm/qwen3-route, so its tokens are 0 here and no per-token price is charged ' +
        'for them; its calls are counted under a RateLimitPolicy only: calls are authorized_calls; Limitador counts ' +
        'no tokens (its authorized_hits are 1 per call).',
    );
  });

  it('counts a range on its own, not the whole data: the last hour, and a day that reaches back before the data', async () => {
    const end = summary.endTime;
    for (const start of [end - 3600, end - 86400]) {
      const report = await service.report({ start, end }, admin);
      const lines = truthLines(summary, start, end);
      expect(report.total.calls).toBe(sum(lines.map(l => l.calls)));
      expect(report.total.tokens).toBe(sum(lines.map(l => l.tokens)));
    }
    // The day counts each series from 0: its value before the data too, which the data's totals leave out.
    const day = await service.report({ start: end - 86400, end }, admin);
    const whole = await service.report(wholeData(), admin);
    expect(day.total.calls).toBeGreaterThan(whole.total.calls);
  });

  it('answers a range that ends now from memory on the next loads, admin and team lead alike: one computation, one catalog read per viewer', async () => {
    const { client, counter } = counting(
      new HttpPrometheusClient({
        url: process.env.MAAS_HARNESS_PROMETHEUS_URL!,
        timeoutMs: 5000,
      }),
    );
    const catalog = catalogServiceMock({ entities: costCatalog() });
    const catalogReads = jest.spyOn(catalog, 'getEntities');
    const kept = new CostService({
      prometheus: client,
      catalog,
      pricing: costPricingConfig(),
      limitsOf: datasetRouteLimits(summary),
      freshSeconds: 30,
      staleSeconds: 900,
    });
    const now = Math.floor(Date.now() / 1000);
    const open = { start: summary.startTime, end: now, open: true };
    const first = await kept.report(open, admin);
    // The probe for the recording rules, then the raw query; or, once the harness's Prometheus has
    // evaluated the rules in the range (it did ten minutes into a full run), a query per part of each
    // recorded piece and raw edge (costCounts). Either way one computation: the loads below ask
    // nothing more.
    const computed = counter.queries;
    const [least, most] =
      first.source?.kind === 'raw' ? [2, 2] : [3, Number.MAX_SAFE_INTEGER];
    expect(computed).toBeGreaterThanOrEqual(least);
    expect(computed).toBeLessThanOrEqual(most);
    const again = await kept.report({ ...open, end: now + 15 }, admin);
    const lead = await kept.report(
      { ...open, end: now + 30 },
      {
        credentials: mockCredentials.user(LEAD),
        userRef: LEAD,
        readAll: false,
      },
    );
    expect(counter.queries).toBe(computed);
    // The catalog once per viewer: the admin's reload reuses the admin's view.
    expect(catalogReads).toHaveBeenCalledTimes(2);
    expect(again).toEqual(first);
    expect(again.end).toBe(now);
    expect(lead.total.calls).toBe(
      rowOf(first.groups, 'group:default/team-a').calls,
    );
    // The figures are the ones a report computed alone gives.
    const alone = await service.report({ start: open.start, end: now }, admin);
    expect(first.total).toEqual(alone.total);
  });

  it('shows a team lead their groups and their members only, with the same figures as an admin sees', async () => {
    const all = await service.report(wholeData(), admin);
    const led = await service.report(wholeData(), {
      credentials: mockCredentials.user(LEAD),
      userRef: LEAD,
      readAll: false,
    });
    expect(led.scope).toBe('groups');
    expect(led.ledGroups).toEqual([
      'group:default/research',
      'group:default/team-a',
    ]);
    expect(led.groups.map(g => g.ref).sort()).toEqual(led.ledGroups);
    expect(led.users.map(u => u.ref).sort()).toEqual(
      COST_TEAMS['group:default/team-a'].map(u => `user:default/${u}`).sort(),
    );
    for (const row of led.users) expect(row).toEqual(rowOf(all.users, row.ref));
    expect(rowOf(led.groups, 'group:default/team-a')).toEqual(
      rowOf(all.groups, 'group:default/team-a'),
    );
    expect(led.total.calls).toBe(
      rowOf(all.groups, 'group:default/team-a').calls,
    );
    // Nothing of team B, and no sentence about routes the lead cannot act on.
    expect(JSON.stringify(led)).not.toMatch(/team-b|freeuser2|premiumuser2/);
    expect(led.warnings).toEqual([]);
  });

  it('refuses a user who is neither admin nor team lead, saying who may see costs', async () => {
    await expect(
      service.report(wholeData(), {
        credentials: mockCredentials.user('user:default/freeuser1'),
        userRef: 'user:default/freeuser1',
        readAll: false,
      }),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringMatching(
        /^Costs are shown to admins \(the maas\.costs\.read permission\) and to team leads.*maas\.kuadrant\.io\/team-leads/,
      ),
    });
  });

  it('shows usage without costs when maas.pricing is not set', async () => {
    const unpriced: CostReport = await new CostService({
      prometheus: new HttpPrometheusClient({
        url: process.env.MAAS_HARNESS_PROMETHEUS_URL!,
        timeoutMs: 5000,
      }),
      catalog: catalogServiceMock({ entities: costCatalog() }),
      limitsOf: datasetRouteLimits(summary),
    }).report(wholeData(), admin);
    expect(unpriced.priced).toBe(false);
    expect(unpriced.currency).toBeUndefined();
    expect(unpriced.users.every(u => u.cost === null)).toBe(true);
    expect(unpriced.total.calls).toBe(
      sum(
        truthLines(summary, summary.startTime, summary.endTime).map(
          l => l.calls,
        ),
      ),
    );
  });

  it('answers 503 naming maas.prometheus.url, not its address, when Prometheus is unreachable', async () => {
    const error = await new CostService({
      prometheus: new HttpPrometheusClient({
        url: 'http://127.0.0.1:1',
        timeoutMs: 500,
      }),
      catalog: catalogServiceMock({ entities: costCatalog() }),
    })
      .report(wholeData(), admin)
      .catch(e => e);
    expect(error.name).toBe('ServiceUnavailableError');
    expect(error.message).toMatch(
      /^Prometheus \(maas\.prometheus\.url\) .*so costs cannot be shown/,
    );
    expect(error.message).not.toContain('127.0.0.1');
  });
});
