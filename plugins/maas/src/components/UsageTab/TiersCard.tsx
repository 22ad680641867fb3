import { InfoCard, Progress } from '@backstage/core-components';
import { Box, TableCell, TableRow, Typography } from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { LiveLimit, ModelTiers } from '@maas-portal/plugin-maas-common';
import { formatRates } from '../../format/limits';
import { ErrorAlert, WarningAlerts } from '../ErrorAlert';
import { useNoWrapStyles } from '../layout/noWrap';
import { HeadedTable } from '../table/HeadedTable';

/** A tier's limits of one kind; none is said in words, never a dash that reads as unknown. */
const rates = (limits: LiveLimit[], none: string) => {
  const all = limits.flatMap(l => l.rates);
  return all.length > 0 ? formatRates(all) : none;
};

function LimitRows(props: { label: string; limits: LiveLimit[] }) {
  return (
    <>
      {props.limits.map(limit => (
        <TableRow
          key={`${limit.source.namespace}/${limit.source.name}/${limit.source.limitName}`}
        >
          <TableCell>
            {props.label}
            <Typography variant="caption" display="block">
              {limit.source.kind} {limit.source.namespace}/{limit.source.name} ·{' '}
              {limit.source.limitName}
            </Typography>
          </TableCell>
          <TableCell>—</TableCell>
          <TableCell>
            {limit.source.kind === 'RateLimitPolicy'
              ? formatRates(limit.rates)
              : '—'}
          </TableCell>
          <TableCell>
            {limit.source.kind === 'TokenRateLimitPolicy'
              ? formatRates(limit.rates)
              : '—'}
          </TableCell>
        </TableRow>
      ))}
    </>
  );
}

/** The limits in force on a model, per tier, as the cluster's policies state them. */
export function TiersCard(props: {
  tiers: { loading: boolean; error?: Error; value?: ModelTiers };
}) {
  const { loading, error, value } = props.tiers;
  const classes = useNoWrapStyles();
  return (
    <InfoCard title="Tiers">
      {loading && <Progress />}
      {error && <ErrorAlert error={error} action="see this model's tiers" />}
      {value && (
        <Box display="flex" flexDirection="column" style={{ gap: 12 }}>
          {value.tiers.length === 0 && value.everyone.length === 0 ? (
            <Alert severity="info">
              No rate limit applies to this model. Attach a RateLimitPolicy and
              a TokenRateLimitPolicy to its route or Gateway to set tiers.
            </Alert>
          ) : (
            // A narrow card scrolls the table sideways rather than break its words.
            <Box overflow="auto">
              <HeadedTable
                label="Tiers"
                headings={['Tier', 'Approval', 'Requests', 'Tokens']}
              >
                {value.tiers.map(tier => (
                  <TableRow key={tier.name}>
                    <TableCell>
                      <span className={classes.noWrap}>{tier.name}</span>
                      {!tier.configured && (
                        <Typography variant="caption" display="block">
                          found only in the cluster
                        </Typography>
                      )}
                    </TableCell>
                    <TableCell>
                      {tier.approval === 'auto' && 'automatic'}
                      {tier.approval === 'manual' && 'by an approver'}
                      {!tier.approval && '—'}
                    </TableCell>
                    <TableCell>
                      {rates(tier.requests, 'no request limit')}
                    </TableCell>
                    <TableCell>
                      {rates(tier.tokens, 'no token limit')}
                    </TableCell>
                  </TableRow>
                ))}
                <LimitRows label="everyone" limits={value.everyone} />
                <LimitRows label="other" limits={value.other} />
              </HeadedTable>
            </Box>
          )}
          <WarningAlerts warnings={value.warnings} />
        </Box>
      )}
    </InfoCard>
  );
}
