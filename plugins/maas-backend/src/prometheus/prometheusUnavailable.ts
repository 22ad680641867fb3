import { ServiceUnavailableError } from '@backstage/errors';
import { NO_PROMETHEUS } from '@maas-portal/plugin-maas-common';
import { PrometheusClient } from './PrometheusClient';

/**
 * A Prometheus failure without its URL, which only the platform team needs to see (the status
 * page shows it to admins): the client's "Prometheus at <url>" reads "Prometheus
 * (maas.prometheus.url)", and any other mention of the URL names the setting.
 */
export function withoutPrometheusUrl(
  prometheus: Pick<PrometheusClient, 'url'>,
  message: string,
): string {
  return message
    .split(`Prometheus at ${prometheus.url}`)
    .join('Prometheus (maas.prometheus.url)')
    .split(prometheus.url)
    .join('maas.prometheus.url');
}

/**
 * The 503 of a read that Prometheus failed: what went wrong, what it stops (`outcome`, e.g.
 * "usage cannot be shown"), and what to check. The one wording every Prometheus-backed route uses.
 */
export function prometheusUnavailable(
  prometheus: Pick<PrometheusClient, 'url'>,
  error: unknown,
  outcome: string,
): ServiceUnavailableError {
  return new ServiceUnavailableError(
    `${withoutPrometheusUrl(prometheus, (error as Error).message)}, ` +
      `so ${outcome}. Ask the platform team to check that Prometheus is running ` +
      'and that maas.prometheus.url points at it.',
  );
}

/** The 503 of a Prometheus-backed route when `maas.prometheus.url` is not set. */
export function noPrometheus(outcome: string): ServiceUnavailableError {
  return new ServiceUnavailableError(
    `${NO_PROMETHEUS}, so ${outcome}. Set maas.prometheus.url and restart the backend.`,
  );
}
