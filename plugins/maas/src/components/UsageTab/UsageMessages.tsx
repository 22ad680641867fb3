import { Typography } from '@material-ui/core';
import { Alert, AlertTitle } from '@material-ui/lab';
import { ModelUsage, UsageRange } from '@maas-portal/plugin-maas-common';
import { formatInstant } from '../../format/dates';
import { stepLabel } from './chartData';
import {
  ErrorAlert,
  errorMessage,
  errorStatus,
  prometheusUnavailableTitle,
} from '../ErrorAlert';

export const RANGE_LABEL: Record<UsageRange, string> = {
  '1h': 'the last hour',
  '24h': 'the last 24 hours',
  '7d': 'the last 7 days',
};

/**
 * What the usage of the model's route is when there is nothing (or not everything) to chart: one
 * sentence and a next step per state. Nothing for `calls`.
 */
export function UsageStateMessage(props: { usage: ModelUsage }) {
  const { usage } = props;
  const route = usage.limitadorNamespace;
  const range = RANGE_LABEL[usage.range];
  switch (usage.state) {
    case 'no-route':
      return (
        <Alert severity="warning">
          <AlertTitle>No route for this model</AlertTitle>
          The model has no HTTPRoute, so Limitador's numbers for it cannot be
          found. Next step: give its InferenceService an HTTPRoute on the
          Gateway (the "Create model" template makes one).
        </Alert>
      );
    case 'no-series':
      return (
        <Alert severity="warning">
          <AlertTitle>No series for {route}</AlertTitle>
          Prometheus has no metrics of Limitador for {route} in {range}, so
          nothing about this route's calls is known. Next step: check that
          Prometheus scrapes Limitador and that the route's rate limit policy is
          enforced (its status condition Enforced is True).
        </Alert>
      );
    case 'no-user-labels': {
      // Limitador v2.0 (kuadrant-operator v1.2) exports neither user labels nor authorized_hits.
      const noHits = usage.hitsCounted === false;
      return (
        <Alert severity="info">
          <AlertTitle>Series without user and group labels</AlertTitle>
          Limitador's metrics for {route} carry no user or group labels
          {noHits && ' and no authorized_hits'}, so per-user and per-tier usage
          is unknown
          {noHits && ' and tokens are not counted'}
          {usage.scope === 'all'
            ? "; the charts show everyone's calls."
            : '.'}{' '}
          Next step: ask the platform team to add a TelemetryPolicy on the
          Gateway with metrics.default.labels user: auth.identity.userid and
          group: auth.identity.groups (Kuadrant 1.3 or newer).
          {noHits &&
            ' Tokens are counted from Kuadrant 1.3 on (its Limitador exports authorized_hits), under a TokenRateLimitPolicy on the route.'}
        </Alert>
      );
    }
    case 'no-calls':
      return (
        <Typography variant="body1">
          No calls to this model in {range}
          {usage.scope === 'user' ? ' with your keys' : ''}. Calls appear here
          within a minute or two of being made; a longer range may show earlier
          ones.
        </Typography>
      );
    default:
      return null;
  }
}

const hoursText = (seconds: number) => {
  const hours = Math.max(0, seconds / 3600);
  return hours < 10 ? hours.toFixed(1) : String(Math.round(hours));
};

/**
 * Says so when the range reaches back before the data. The data's start is known to a step only
 * (the first point whose step holds samples), so the sentence gives both bounds: with 3 h steps
 * over 7 days, "about 9 hours" for six hours of data would overstate it.
 */
export function DataSince(props: { usage: ModelUsage }) {
  const { usage } = props;
  if (usage.dataSince === undefined) return null;
  const { dataSince, end, stepSeconds } = usage;
  return (
    <Typography variant="body2" aria-label="Data covered">
      Prometheus has data for this route only since between{' '}
      {formatInstant(dataSince)} and {formatInstant(dataSince + stepSeconds)}{' '}
      (this range's points are {stepLabel(stepSeconds)} apart):{' '}
      {hoursText(end - dataSince - stepSeconds)} to {hoursText(end - dataSince)}{' '}
      hours of {RANGE_LABEL[usage.range]}.
    </Typography>
  );
}

/** Usage could not be read: Prometheus unreachable or not configured (503), or another error. */
export function UsageUnavailable(props: { error: Error }) {
  const { error } = props;
  if (errorStatus(error) === 503) {
    const message = errorMessage(error);
    return (
      <Alert severity="warning">
        <AlertTitle>
          {prometheusUnavailableTitle(message, 'Usage charts need Prometheus')}
        </AlertTitle>
        {message}
        {!message.includes('maas.prometheus.url') &&
          ' Next step: check maas.prometheus.url in the app config and that Prometheus is running.'}
      </Alert>
    );
  }
  return <ErrorAlert error={error} action="see this model's usage" />;
}
