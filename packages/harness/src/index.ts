/* Library entry of the harness: the metrics generator (pure) and the harness itself. */
export {
  generateMetricsDataset,
  toOpenMetrics,
  valueAt,
  selectSeries,
  increaseBy,
  ROUTES,
  USERS,
  TIERS,
} from './metrics/generator.ts';
export type {
  MetricsDataset,
  MetricsDatasetOptions,
  MetricsDatasetSummary,
  SeriesSummary,
  RouteSpec,
  UserSpec,
  Tier,
} from './metrics/generator.ts';
export { CRD_SOURCES } from './crd-sources.ts';
export type { CrdSource } from './crd-sources.ts';
