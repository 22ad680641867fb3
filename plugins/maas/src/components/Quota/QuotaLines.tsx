import { Box, Chip, Typography } from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { ModelQuota } from '@maas-portal/plugin-maas-common';
import { WarningAlerts } from '../ErrorAlert';
import { quotaSentence } from './quotaText';

/**
 * What the signed-in user has left, per tier of their keys: requests and tokens, each in words,
 * with where the figures come from. `tiers` narrows it to some tiers (a key's).
 */
export function QuotaLines(props: { quota: ModelQuota; tiers?: string[] }) {
  const { quota } = props;
  const shown = quota.tiers.filter(
    t => !props.tiers || props.tiers.includes(t.tier),
  );
  return (
    <Box display="flex" flexDirection="column" style={{ gap: 8 }}>
      {quota.message && <Alert severity="info">{quota.message}</Alert>}
      {quota.source && shown.length > 0 && (
        <Box>
          <Chip
            size="small"
            variant="outlined"
            label={
              quota.source === 'limitador'
                ? 'live, from Limitador'
                : 'estimate, from the metrics'
            }
          />
        </Box>
      )}
      {quota.source &&
        shown.map(t => (
          <Box key={t.tier} aria-label={`Quota of tier ${t.tier}`}>
            <Typography variant="subtitle2">{t.tier}</Typography>
            <Typography variant="body2">
              Requests: {quotaSentence('requests', t.requests, quota.source!)}
            </Typography>
            <Typography variant="body2">
              Tokens: {quotaSentence('tokens', t.tokens, quota.source!)}
            </Typography>
          </Box>
        ))}
      <WarningAlerts warnings={quota.warnings} />
    </Box>
  );
}
