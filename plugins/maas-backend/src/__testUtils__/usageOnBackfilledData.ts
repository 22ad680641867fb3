/* UsageService on the harness's backfilled data, as this package's usage tests run it. */
import { ModelUsage } from '@maas-portal/plugin-maas-common';
import { UsageRequest, UsageService } from '../usage/UsageService';
import {
  BackfilledPrometheus,
  DataSummary,
  useBackfilledPrometheus,
} from './backfilledPrometheus';
import { counting } from './countingPrometheus';
import { datasetRouteLimits } from './datasetPolicies';

export const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
/** The calls (or tokens) of a usage answer's series, summed. */
export const totalOf = (series: ModelUsage['authorized']) =>
  sum(series.map(s => s.total));

/**
 * The harness's data for a usage test file (see useBackfilledPrometheus), its `now` and `usageAt`,
 * which asks UsageService at `now` with the limits the data's routes were counted under.
 */
export function useUsageOnBackfilledData() {
  const data: BackfilledPrometheus = useBackfilledPrometheus();
  /** Now in these tests: 37 s after the last sample, which is itself off the 5-minute grid. */
  const now = () => data.summary.endTime + 37;
  return {
    get summary(): DataSummary {
      return data.summary;
    },
    get prometheus() {
      return data.prometheus;
    },
    get now() {
      return now();
    },
    countedBefore: data.countedBefore,
    /** Usage as UsageService answers `request` at `nowSeconds`, and how many queries it made. */
    async usageAt(
      request: Omit<UsageRequest, 'nowSeconds'>,
      nowSeconds = now(),
    ) {
      const { client, counter } = counting(data.prometheus);
      // The limits the data's routes were counted under, as the cluster would give them.
      const limits = request.limitadorNamespace
        ? datasetRouteLimits(data.summary)(request.limitadorNamespace)
        : undefined;
      const usage = await new UsageService({ prometheus: client }).getUsage({
        limits,
        ...request,
        nowSeconds,
      });
      return { usage, queries: counter.queries };
    },
  };
}
