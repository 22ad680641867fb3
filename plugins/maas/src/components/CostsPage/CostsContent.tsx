import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Box, Button, Paper, Tab, Tabs, Typography } from '@material-ui/core';
import { Alert, AlertTitle } from '@material-ui/lab';
import {
  COST_TABLES,
  CostReport,
  CostTable,
  NO_PROMETHEUS,
} from '@maas-portal/plugin-maas-common';
import { useEffect, useState } from 'react';
import { CostQuery, maasApiRef } from '../../api/MaasApi';
import { useCosts } from '../../hooks/useCosts';
import {
  ErrorAlert,
  errorMessage,
  errorStatus,
  prometheusUnavailableTitle,
  WarningAlerts,
} from '../ErrorAlert';
import { BudgetsCard } from './BudgetsCard';
import { CostRangePicker } from './CostRangePicker';
import { CostsTable } from './CostsTable';
import {
  currentMonth,
  formatCost,
  formatCount,
  formatRange,
} from './costFormat';
import { downloadCsv } from './downloadCsv';

const TAB_LABELS: Record<CostTable, string> = {
  users: 'Per user',
  groups: 'Per group',
  systems: 'Per system',
  models: 'Per model',
};

/** What the numbers are, before them: no pricing, a lead's own groups, no calls. */
function ReportNotes(props: { report: CostReport }) {
  const { report } = props;
  return (
    <>
      {!report.priced && (
        <Alert severity="info">
          <AlertTitle>No prices are configured</AlertTitle>
          Usage is shown without costs. An administrator sets prices per tier or
          per model in <code>maas.pricing</code> (currency, tiers[], models[])
          in the portal's app-config.yaml.
        </Alert>
      )}
      {report.scope === 'groups' && (
        <Alert severity="info">
          You see the groups you lead ({report.ledGroups?.join(', ')}) and their
          members.
        </Alert>
      )}
      {report.users.length === 0 && (
        <Alert severity="info">
          <AlertTitle>No calls in this range</AlertTitle>
          Nobody called a model with per-user metrics between these dates. Pick
          another month or range.
        </Alert>
      )}
      <WarningAlerts warnings={report.warnings} />
      <ReportSource report={report} />
    </>
  );
}

/** Where the figures came from: the recording rules (which windows), or Limitador's raw counters (why). */
function ReportSource(props: { report: CostReport }) {
  const { source } = props.report;
  if (!source) return null;
  return (
    <Typography
      variant="caption"
      color="textSecondary"
      component="p"
      data-testid="costs-source"
    >
      {source.detail}
    </Typography>
  );
}

/**
 * Showback: usage and cost per user, catalog Group, System and model over a calendar month or a
 * custom range, with totals and a CSV download of the table shown.
 */
export function CostsContent() {
  const api = useApi(maasApiRef);
  // No month at first: the backend's current month, in its zone (maas.costs.timeZone).
  const [query, setQuery] = useState<CostQuery>({});
  const [table, setTable] = useState<CostTable>('users');
  const [downloadError, setDownloadError] = useState<Error>();
  const costs = useCosts(query);
  const report = costs.value;
  // The zone of the last report, so that the picker keeps naming it while the next one loads.
  const [timeZone, setTimeZone] = useState<string>();
  useEffect(() => {
    if (report) setTimeZone(report.timeZone);
  }, [report]);

  const download = async () => {
    setDownloadError(undefined);
    try {
      const { fileName, csv } = await api.exportCosts({ ...query, table });
      downloadCsv(fileName, csv);
    } catch (error) {
      setDownloadError(error as Error);
    }
  };

  let body;
  if (costs.loading) body = <Progress />;
  else if (costs.error && errorStatus(costs.error) === 403)
    body = (
      <Alert severity="warning">
        <AlertTitle>You may not see costs</AlertTitle>
        {errorMessage(costs.error)}
      </Alert>
    );
  else if (costs.error)
    body = (
      <ErrorAlert
        error={costs.error}
        action="see costs"
        unavailableTitle={prometheusUnavailableTitle(
          errorMessage(costs.error),
          NO_PROMETHEUS,
        )}
      />
    );
  else if (report)
    body = (
      <>
        <ReportNotes report={report} />
        <Paper variant="outlined">
          <Box p={2} display="flex" alignItems="center" style={{ gap: 32 }}>
            <Typography variant="body2" color="textSecondary">
              {formatRange(report)}
            </Typography>
            <Typography aria-label="Total calls">
              <b>{formatCount(report.total.calls)}</b> calls
            </Typography>
            <Typography aria-label="Total tokens">
              <b>{formatCount(report.total.tokens)}</b> tokens
            </Typography>
            <Typography aria-label="Total cost">
              Total <b>{formatCost(report, report.total.cost)}</b>
            </Typography>
            <Box flexGrow={1} />
            <Button variant="outlined" color="primary" onClick={download}>
              Download CSV
            </Button>
          </Box>
        </Paper>
        {downloadError && (
          <ErrorAlert error={downloadError} action="download costs" />
        )}
        {/* Budgets are amounts in the pricing's currency: none without it (the note above says so). */}
        {report.priced && (
          <BudgetsCard
            month={query.month ?? report.month ?? currentMonth(report.timeZone)}
          />
        )}
        <Tabs
          value={table}
          onChange={(_, value) => setTable(value)}
          indicatorColor="primary"
        >
          {COST_TABLES.map(t => (
            <Tab key={t} value={t} label={TAB_LABELS[t]} />
          ))}
        </Tabs>
        <CostsTable report={report} table={table} />
      </>
    );

  return (
    <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
      <CostRangePicker query={query} onChange={setQuery} timeZone={timeZone} />
      {body}
    </Box>
  );
}
