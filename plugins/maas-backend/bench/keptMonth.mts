// The Costs of a month that has ended, as a viewer first loads them: kept in the portal's database
// (SettledCostCounts) by the backend's task or by the first viewer, then read by a backend that has just
// started (a new replica, a restart), with no figure of it in memory. Part of bench/costs.mts.
import { guestSignIn } from './benchBackend.mts';
import { summary, timedGet } from './latencies.mts';

/** The source sentence of figures read from the database. */
const KEPT = /Kept in the portal's database since/;

/** The month before the one `seconds` is in, `YYYY-MM` (UTC, as costRange's months). */
export function monthBefore(seconds: number): string {
  const d = new Date(seconds * 1000);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1))
    .toISOString()
    .slice(0, 7);
}

/** Unix seconds of the first instant of `month` (`YYYY-MM`, UTC). */
export function monthStart(month: string): number {
  return Date.parse(`${month}-01T00:00:00Z`) / 1000;
}

/** The figures of a report that must not change between loads: every row's calls, tokens and cost. */
export function reportFigures(report: any): string {
  return JSON.stringify(
    (['users', 'groups', 'systems', 'models'] as const).map(table =>
      report[table]
        .map((row: any) => [row.ref, row.calls, row.tokens, row.cost])
        .sort(),
    ),
  );
}

/**
 * The first report of `month` on the running backend: computed from Prometheus, by this ask or by the
 * backend's task (half a minute after its start), and kept in the database as it is computed (a month
 * that has ended). The same backend answers later asks from memory; a new one reads the database.
 */
export async function firstReport(
  baseUrl: string,
  headers: Record<string, string>,
  month: string,
): Promise<any> {
  const res = await fetch(`${baseUrl}/api/maas/costs?month=${month}`, {
    headers,
  });
  const report = await res.json();
  if (!res.ok || !Array.isArray(report.users))
    throw new Error(
      `the Costs of ${month}: ${res.status} ${JSON.stringify(report).slice(
        0,
        300,
      )}`,
    );
  return report;
}

/**
 * `loads` times: starts a backend (`start`), loads `month` once as the guest, stops it. Each load is the
 * first of its process. Fails when a load's figures differ from `kept`'s or do not come from the
 * database. The latencies, and the longest time from a start to its load's answer (the backend's task
 * prepares last month 30 s after the start: a load later than that may find it in memory).
 */
export async function timeKeptMonth(options: {
  month: string;
  loads: number;
  kept: any;
  /** This month and its report on the first backend: its latest counts, kept, are shown at once. */
  thisMonth: { month: string; kept: any };
  start: () => Promise<{ baseUrl: string; stop: () => void }>;
}) {
  const latencies: number[] = [];
  const thisMonthLatencies: number[] = [];
  let latestAfterStartMs = 0;
  for (let i = 0; i < options.loads; i++) {
    const backend = await options.start();
    const startedAt = Date.now();
    try {
      const { headers } = await guestSignIn(backend.baseUrl);
      const { ms, body } = await timedGet(
        `${backend.baseUrl}/api/maas/costs?month=${options.month}`,
        headers,
      );
      latestAfterStartMs = Math.max(latestAfterStartMs, Date.now() - startedAt);
      const report = JSON.parse(body.toString());
      if (!KEPT.test(report.source?.detail ?? ''))
        throw new Error(
          `load ${i + 1} of ${options.month} did not come from the database: ${
            report.source?.detail ?? JSON.stringify(report).slice(0, 300)
          }`,
        );
      if (reportFigures(report) !== reportFigures(options.kept))
        throw new Error(
          `load ${i + 1} of ${
            options.month
          }: other figures than when it was kept`,
        );
      latencies.push(ms);
      // This month, first load on this backend: the latest counts another backend kept, with their end.
      const current = await timedGet(
        `${backend.baseUrl}/api/maas/costs?month=${options.thisMonth.month}`,
        headers,
      );
      latestAfterStartMs = Math.max(latestAfterStartMs, Date.now() - startedAt);
      const shown = JSON.parse(current.body.toString());
      if (
        shown.end !== options.thisMonth.kept.end ||
        reportFigures(shown) !== reportFigures(options.thisMonth.kept)
      )
        throw new Error(
          `load ${i + 1} of ${
            options.thisMonth.month
          }: not the latest figures kept (end ${shown.end}, kept ${
            options.thisMonth.kept.end
          })`,
        );
      thisMonthLatencies.push(current.ms);
    } finally {
      backend.stop();
    }
  }
  return {
    ...summary(latencies),
    thisMonth: summary(thisMonthLatencies),
    latestAfterStartMs,
  };
}
