import { Box, Typography } from '@material-ui/core';
import { ModelRefusals } from '@maas-portal/plugin-maas-common';
import { WarningAlerts } from '../ErrorAlert';
import { refusalText } from './quotaText';

const RANGE_TEXT = { '1h': 'hour', '24h': '24 hours', '7d': '7 days' };

/**
 * Which limits refused the signed-in user's calls, and how often, over the range; `tier` narrows
 * it to one tier (a key's: keys of one user and tier share Limitador's counter).
 */
export function RefusalLines(props: {
  refusals: ModelRefusals;
  tier?: string;
}) {
  const { refusals } = props;
  const shown = refusals.refusals.filter(
    r => props.tier === undefined || r.tier === props.tier,
  );
  const range = RANGE_TEXT[refusals.range];
  return (
    <Box display="flex" flexDirection="column" style={{ gap: 4 }}>
      <Typography variant="body2" aria-label="Refused calls">
        {refusals.message ??
          (shown.length === 0
            ? `No call refused in the last ${range}.`
            : `Refused in the last ${range}: ${shown
                .map(refusalText)
                .join(', ')}.`)}
      </Typography>
      <WarningAlerts warnings={refusals.warnings} />
    </Box>
  );
}
