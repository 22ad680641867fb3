/* Library entry of the harness: the metrics dataset (pure: generator, queries, OpenMetrics) and the CRD sources. */
export { generateMetricsDataset } from './metrics/generator.ts';
export { ROUTES, SEED_STREAM_ROUTES, TIERS, USERS } from './metrics/dataset.ts';
export {
  countedInWindow,
  increaseBy,
  selectSeries,
  valueAt,
} from './metrics/queries.ts';
export { toOpenMetrics } from './metrics/openMetrics.ts';
export type {
  MetricsDataset,
  MetricsDatasetOptions,
  MetricsDatasetSummary,
  SeriesSummary,
  RouteSpec,
  UserSpec,
  Tier,
} from './metrics/dataset.ts';
export { CRD_SOURCES } from './crd-sources.ts';
export type { CrdSource } from './crd-sources.ts';
