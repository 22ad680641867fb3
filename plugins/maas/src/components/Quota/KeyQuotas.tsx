import { InfoCard, Progress } from '@backstage/core-components';
import { Box, Typography } from '@material-ui/core';
import { ApiKey } from '@maas-portal/plugin-maas-common';
import { readableModel } from '../../format/entityRefs';
import { useQuota } from '../../hooks/useQuota';
import { useRefusals } from '../../hooks/useRefusals';
import { ErrorAlert } from '../ErrorAlert';
import { QuotaLines } from './QuotaLines';
import { RefusalLines } from './RefusalLines';

const WORKING: ApiKey['state'][] = ['active', 'rotating'];

const keyLabel = (k: ApiKey) =>
  k.name ? `${k.name} (${k.displayPrefix})` : k.displayPrefix;

/** Which keys a tier's figures are of: Limitador counts per user and tier, not per key. */
function keysText(ofTier: ApiKey[], tier: string): string {
  const labels = ofTier.map(keyLabel).join(', ');
  return ofTier.length === 1
    ? `Key ${labels} of tier ${tier}, counted per user and tier at the gateway.`
    : `Keys ${labels} of tier ${tier} share one count at the gateway (per user and tier).`;
}

/** One model's quota and refusals, per tier of the user's keys of it. */
function ModelQuota(props: { entityRef: string; keys: ApiKey[] }) {
  const { entityRef, keys } = props;
  const quota = useQuota(entityRef);
  const refusals = useRefusals(entityRef, '24h', 'user');
  const tiers = [...new Set(keys.map(k => k.tier))].sort();
  return (
    <Box
      display="flex"
      flexDirection="column"
      style={{ gap: 8 }}
      aria-label={`Quota on ${readableModel(entityRef)}`}
    >
      <Typography variant="h6">{readableModel(entityRef)}</Typography>
      {quota.loading && !quota.value && <Progress />}
      {quota.error && (
        <ErrorAlert error={quota.error} action="see your quota" />
      )}
      {refusals.error && (
        <ErrorAlert
          error={refusals.error}
          action="see your refused calls"
          unavailableTitle="Refused calls cannot be shown"
        />
      )}
      {tiers.map(tier => (
        <Box
          key={tier}
          display="flex"
          flexDirection="column"
          style={{ gap: 4 }}
        >
          <Typography variant="body2" color="textSecondary">
            {keysText(
              keys.filter(k => k.tier === tier),
              tier,
            )}
          </Typography>
          {quota.value && <QuotaLines quota={quota.value} tiers={[tier]} />}
          {refusals.value && (
            <RefusalLines refusals={refusals.value} tier={tier} />
          )}
        </Box>
      ))}
    </Box>
  );
}

/**
 * On My API keys: for each model the user has working keys of, what they have left now and which
 * limits refused their calls in the last 24 hours, per tier of their keys.
 */
export function KeyQuotas(props: { keys: ApiKey[] }) {
  const working = props.keys.filter(k => WORKING.includes(k.state));
  const models = [...new Set(working.map(k => k.entityRef))].sort();
  if (models.length === 0) return null;
  return (
    <InfoCard title="Quota left and refused calls">
      <Box display="flex" flexDirection="column" style={{ gap: 24 }}>
        {models.map(entityRef => (
          <ModelQuota
            key={entityRef}
            entityRef={entityRef}
            keys={working.filter(k => k.entityRef === entityRef)}
          />
        ))}
      </Box>
    </InfoCard>
  );
}
