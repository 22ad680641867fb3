/*
 * The counts of ended ranges kept in the database: the store on SQLite and PostgreSQL, and the Costs
 * service over the harness's Prometheus and data — a range that has ended is computed once and then read
 * from the database by a replica that cannot reach Prometheus, with the same figures; a range that ends
 * now is never kept; a database that fails costs speed, never figures.
 */
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { CostReport } from '@maas-portal/plugin-maas-common';
import {
  eventually,
  harnessEnv,
  harnessMetrics,
} from '@maas-portal/harness/testing';
import { HttpPrometheusClient } from '../prometheus/HttpPrometheusClient';
import { costCatalog, costPricingConfig } from '../__testUtils__/costFixtures';
import { truthLines } from '../__testUtils__/costTruth';
import { datasetRouteLimits } from '../__testUtils__/datasetPolicies';
import { KeyDatabase } from '../keys/store/KeyDatabase';
import { costRange } from './costRange';
import { COST_STALE_SECONDS, CostService } from './CostService';
import { SETTLED_SECONDS } from './CostUsageCache';
import {
  CostCounts,
  MAX_KEPT_CUSTOM_RANGES,
  SettledCostCounts,
} from './SettledCostCounts';

jest.setTimeout(120_000);

const counts = (n: number): CostCounts => ({
  samples: [
    {
      metric: {
        part: 'calls',
        user: 'jane',
        group: 'premium',
        limitador_namespace: 'llm/qwen3-route',
      },
      value: n,
    },
    {
      metric: { part: 'unlabelled', limitador_namespace: 'llm/old-route' },
      value: 0.5,
    },
  ],
  source: { kind: 'raw', detail: "From Limitador's raw counters: because." },
});

describe('SettledCostCounts: the counts of ended ranges, kept', () => {
  beforeAll(() => {
    harnessEnv('BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING');
  });
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
  const storeOn = async (id: Parameters<typeof databases.init>[0]) => {
    const knex = await databases.init(id);
    await KeyDatabase.migrate(knex);
    return { knex, store: new SettledCostCounts(knex) };
  };

  it.each(databases.eachSupportedId())(
    'keeps a range once (the first replica wins), reads it back as it was, and keeps the months and the newest custom ranges, %p',
    async id => {
      const { knex, store } = await storeOn(id);
      const november = {
        start: 1793491200,
        end: 1796083200,
        month: '2026-11',
      };
      expect(await store.get(november)).toBeUndefined();
      const at = new Date('2026-12-01T00:20:00Z');
      await store.put(november, counts(7), at);
      await store.put(november, counts(8), new Date());
      expect(await store.get(november)).toEqual({
        ...counts(7),
        computedAt: at,
      });
      // Another range with the same start is another row.
      expect(
        await store.get({ start: november.start, end: november.end - 1 }),
      ).toBeUndefined();

      for (let i = 0; i <= MAX_KEPT_CUSTOM_RANGES; i++)
        await store.put(
          { start: 1000 + i, end: 2000 + i },
          counts(i),
          new Date(Date.UTC(2026, 11, 1, 0, i)),
        );
      // The least recently computed custom range is dropped; the month stays.
      expect(await store.get({ start: 1000, end: 2000 })).toBeUndefined();
      expect((await store.get({ start: 1001, end: 2001 }))?.samples).toEqual(
        counts(1).samples,
      );
      expect((await store.get(november))?.samples).toEqual(counts(7).samples);
      expect(
        Number((await knex('maas_cost_counts').count({ n: '*' }).first())?.n),
      ).toBe(MAX_KEPT_CUSTOM_RANGES + 1);
    },
  );

  describe('in CostService, over the harness data', () => {
    const admin = {
      credentials: mockCredentials.user('user:default/ops'),
      userRef: 'user:default/ops',
      readAll: true,
    };
    const warnings: string[] = [];
    const logger = {
      warn: (message: string) => warnings.push(message),
    } as any;
    const service = (options: {
      prometheusUrl: string;
      settled: SettledCostCounts;
    }) => {
      const summary = harnessMetrics();
      return new CostService({
        prometheus: new HttpPrometheusClient({
          url: options.prometheusUrl,
          timeoutMs: 5000,
        }),
        catalog: catalogServiceMock({ entities: costCatalog() }),
        pricing: costPricingConfig(),
        limitsOf: datasetRouteLimits(summary),
        // As plugin.ts makes it: figures up to COST_STALE_SECONDS old shown while newer ones are computed.
        staleSeconds: COST_STALE_SECONDS,
        settled: options.settled,
        logger,
      });
    };
    const figures = (report: CostReport) => ({
      users: report.users.map(r => [r.ref, r.calls, r.tokens, r.cost]),
      groups: report.groups.map(r => [r.ref, r.calls, r.cost]),
      total: report.total,
    });

    it('computes an ended range once, then a replica without Prometheus reads the same figures from the database, and says so', async () => {
      const summary = harnessMetrics();
      const { knex, store } = await storeOn('SQLITE_3');
      // An hour of the data that ended over SETTLED_SECONDS ago.
      const end =
        Math.min(summary.endTime, Date.now() / 1000) - SETTLED_SECONDS - 60;
      const range = { start: end - 3600, end: Math.floor(end) };
      expect(range.start).toBeGreaterThanOrEqual(summary.startTime);

      const first = await service({
        prometheusUrl: harnessEnv('MAAS_HARNESS_PROMETHEUS_URL'),
        settled: store,
      }).report(range, admin);
      const truth = truthLines(summary, range.start, range.end);
      expect(first.total.calls).toBe(truth.reduce((n, l) => n + l.calls, 0));
      expect(first.total.calls).toBeGreaterThan(0);
      expect(first.source?.detail).not.toMatch(/Kept in the portal/);
      expect(await knex('maas_cost_counts').pluck('range_key')).toEqual([
        `${range.start}-${range.end}`,
      ]);

      // Nothing listens on port 9 of 127.0.0.1: this replica's Prometheus is unreachable.
      const second = await service({
        prometheusUrl: 'http://127.0.0.1:9',
        settled: store,
      }).report(range, admin);
      expect(figures(second)).toEqual(figures(first));
      expect(second.source?.kind).toBe(first.source?.kind);
      expect(second.source?.detail).toMatch(
        /^From .*\. Kept in the portal's database since \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC: the range has ended, so its counts no longer change\.$/,
      );
      expect(warnings).toEqual([]);
    });

    it("shows this month's latest figures, kept by another replica, at once with the end they reach, and says when computing newer ones failed", async () => {
      const { knex, store } = await storeOn('SQLITE_3');
      const thisMonth = () => costRange({}, Date.now() / 1000);
      const first = await service({
        prometheusUrl: harnessEnv('MAAS_HARNESS_PROMETHEUS_URL'),
        settled: store,
      }).report(thisMonth(), admin);
      expect(first.total.calls).toBeGreaterThan(0);
      expect(await knex('maas_cost_counts').pluck('range_key')).toEqual([
        `${thisMonth().start}-open`,
      ]);

      const elsewhere = service({
        prometheusUrl: 'http://127.0.0.1:9',
        settled: store,
      });
      await new Promise(r => setTimeout(r, 1000));
      const shown = await elsewhere.report(thisMonth(), admin);
      expect(figures(shown)).toEqual(figures(first));
      expect(shown.end).toBe(first.end);
      expect(shown.warnings).toEqual(first.warnings);
      // Its own computation failed in the background (no Prometheus here): the next load says so.
      await eventually(async () => {
        const next = await elsewhere.report(thisMonth(), admin);
        expect(figures(next)).toEqual(figures(first));
        expect(next.warnings[0]).toMatch(
          /^These figures are from \d{2}:\d{2} UTC: computing newer ones failed \(.*\)\. Reload the page to try again\.$/,
        );
      });
      expect(warnings).toEqual([]);
    });

    it('never keeps a range that ends now, and answers from Prometheus when the database fails', async () => {
      const summary = harnessMetrics();
      const { knex, store } = await storeOn('SQLITE_3');
      const now = Math.floor(Date.now() / 1000);
      // A custom range up to now: neither kept as ended nor as a month's latest.
      const open = { start: now - 3600, end: now, open: true };
      await service({
        prometheusUrl: harnessEnv('MAAS_HARNESS_PROMETHEUS_URL'),
        settled: store,
      }).report(open, admin);
      expect(await knex('maas_cost_counts').pluck('range_key')).toEqual([]);

      await knex.schema.dropTable('maas_cost_counts');
      const end =
        Math.min(summary.endTime, Date.now() / 1000) - SETTLED_SECONDS - 60;
      const range = { start: Math.floor(end) - 1800, end: Math.floor(end) };
      const report = await service({
        prometheusUrl: harnessEnv('MAAS_HARNESS_PROMETHEUS_URL'),
        settled: store,
      }).report(range, admin);
      const truth = truthLines(summary, range.start, range.end);
      expect(report.total.calls).toBe(truth.reduce((n, l) => n + l.calls, 0));
      expect(warnings).toEqual([
        expect.stringMatching(
          /^Costs: the kept counts of a range could not be read, asking Prometheus: /,
        ),
        expect.stringMatching(
          /^Costs: the counts of a range could not be kept in the database: /,
        ),
      ]);
    });
  });
});
