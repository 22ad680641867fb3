/* The harness's backfilled metrics (its summary) and its real Prometheus, which holds them, for this package's *.prometheus tests. */
import {
  countedInWindow,
  harnessMetrics,
  selectSeries,
} from '@maas-portal/harness/testing';
import { HttpPrometheusClient } from '../prometheus/HttpPrometheusClient';

/** The summary of the harness's generated data: its series, routes, users and totals. */
export type DataSummary = ReturnType<typeof harnessMetrics>;

/** The harness's data as a test file reads it. */
export interface BackfilledPrometheus {
  readonly summary: DataSummary;
  readonly prometheus: HttpPrometheusClient;
  /**
   * What the series matching `labels` counted in the `seconds` before `end`, as the harness data
   * counts it: a range that starts before the data counts each series' initial value (the calls
   * before it).
   */
  countedBefore(
    metric: string,
    labels: Record<string, string>,
    end: number,
    seconds: number,
  ): number;
}

/**
 * The harness's data for a test file, read before its tests: `summary`, a client of the real
 * Prometheus, and `countedBefore`, the data's own count. Read them inside hooks and tests.
 */
export function useBackfilledPrometheus(): BackfilledPrometheus {
  let summary: DataSummary | undefined;
  let prometheus: HttpPrometheusClient | undefined;
  beforeAll(() => {
    summary = harnessMetrics();
    prometheus = new HttpPrometheusClient({
      url: process.env.MAAS_HARNESS_PROMETHEUS_URL!,
      timeoutMs: 5000,
    });
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined)
      throw new Error(
        'the harness data is read in beforeAll; use it in hooks and tests',
      );
    return value;
  };
  return {
    get summary() {
      return started(summary);
    },
    get prometheus() {
      return started(prometheus);
    },
    countedBefore(
      metric: string,
      labels: Record<string, string>,
      end: number,
      seconds: number,
    ) {
      return selectSeries(started(summary), metric, labels)
        .map(s => countedInWindow(started(summary), s, end - seconds, end))
        .reduce((a, b) => a + b, 0);
    },
  };
}
