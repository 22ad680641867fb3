import { InfoCard, Progress } from '@backstage/core-components';
import { Box, Typography } from '@material-ui/core';
import { useQuota } from '../../hooks/useQuota';
import { useRefusals } from '../../hooks/useRefusals';
import { ErrorAlert, WarningAlerts } from '../ErrorAlert';
import { QuotaLines } from './QuotaLines';
import { RefusalLines } from './RefusalLines';
import { RefusalsTable } from './RefusalsTable';

function EveryonesRefusals(props: { entityRef: string }) {
  const everyone = useRefusals(props.entityRef, '24h', 'all');
  if (everyone.error)
    return (
      <ErrorAlert
        error={everyone.error}
        action="see everyone's refused calls"
      />
    );
  if (!everyone.value) return null;
  return (
    <>
      <RefusalsTable refusals={everyone.value} />
      <WarningAlerts warnings={everyone.value.warnings} />
    </>
  );
}

/**
 * The Usage tab's quota card: what the signed-in user has left now, which limits refused their
 * calls in the last 24 hours and, for holders of maas.usage.read-all, everyone's refusals.
 */
export function QuotaCard(props: {
  entityRef: string;
  mayReadAll: boolean;
  /** Read the quota again when this changes: a call was made from the page. */
  refresh?: number;
}) {
  const { entityRef, mayReadAll } = props;
  const quota = useQuota(entityRef, props.refresh);
  const mine = useRefusals(entityRef, '24h', 'user');
  return (
    <InfoCard title="Your quota left">
      <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
        {quota.loading && !quota.value && <Progress />}
        {quota.error && (
          <ErrorAlert error={quota.error} action="see your quota" />
        )}
        {quota.value && <QuotaLines quota={quota.value} />}
        <Typography variant="subtitle2">Why were my calls refused?</Typography>
        {mine.error && (
          <ErrorAlert
            error={mine.error}
            action="see your refused calls"
            unavailableTitle="Refused calls cannot be shown"
          />
        )}
        {mine.value && <RefusalLines refusals={mine.value} />}
        {mayReadAll && <EveryonesRefusals entityRef={entityRef} />}
      </Box>
    </InfoCard>
  );
}
