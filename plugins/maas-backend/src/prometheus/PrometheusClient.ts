/** What a probe of Prometheus found. */
export interface PrometheusProbe {
  reachable: boolean;
  version?: string;
  error?: string;
}

/** One series of an instant query: its labels and value. */
export interface InstantSample {
  metric: Record<string, string>;
  value: number;
}

/** One series of a range query: its labels and [unix seconds, value] points. */
export interface RangeSeries {
  metric: Record<string, string>;
  points: Array<[number, number]>;
}

/** Thrown for any failed query; the message names Prometheus and says what happened. */
export class PrometheusError extends Error {
  name = 'PrometheusError';
}

/** The suite's only door to Prometheus' HTTP API. */
export interface PrometheusClient {
  readonly url: string;
  probe(): Promise<PrometheusProbe>;
  query(promql: string, time: number): Promise<InstantSample[]>;
  queryRange(
    promql: string,
    range: { start: number; end: number; step: number },
  ): Promise<RangeSeries[]>;
}
