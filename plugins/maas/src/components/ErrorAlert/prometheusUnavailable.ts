import { NO_PROMETHEUS } from '@maas-portal/plugin-maas-common';

/**
 * The title over a 503 of a Prometheus-backed read (usage, costs): `unconfigured` when the backend
 * says no Prometheus is configured (its message begins with {@link NO_PROMETHEUS}), else that
 * Prometheus is unreachable. The one place the pages tell the two apart.
 */
export function prometheusUnavailableTitle(
  message: string,
  unconfigured: string,
): string {
  return message.startsWith(NO_PROMETHEUS)
    ? unconfigured
    : 'Prometheus is unreachable';
}
