/** What a probe of Prometheus found. */
export interface PrometheusProbe {
  reachable: boolean;
  version?: string;
  error?: string;
}

/** The suite's only door to Prometheus' HTTP API. */
export interface PrometheusClient {
  readonly url: string;
  probe(): Promise<PrometheusProbe>;
}
