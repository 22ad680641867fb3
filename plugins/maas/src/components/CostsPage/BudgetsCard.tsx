import { Progress } from '@backstage/core-components';
import {
  Box,
  LinearProgress,
  makeStyles,
  Paper,
  Typography,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import {
  BUDGET_THRESHOLDS,
  BudgetReport,
  NO_PROMETHEUS,
  TeamBudgetStatus,
} from '@maas-portal/plugin-maas-common';
import { useBudgets } from '../../hooks/useBudgets';
import {
  ErrorAlert,
  errorMessage,
  errorStatus,
  prometheusUnavailableTitle,
} from '../ErrorAlert';
import { formatCost } from './costFormat';

const useStyles = makeStyles(theme => ({
  bar: { height: 10, borderRadius: 5 },
  under: { backgroundColor: theme.palette.success.main },
  warning: { backgroundColor: theme.palette.warning.main },
  over: { backgroundColor: theme.palette.error.main },
}));

/** The bar's colour: green below 80 %, amber from 80 %, red from 100 % (the backend's `reached`). */
function levelOf(budget: TeamBudgetStatus): 'under' | 'warning' | 'over' {
  if (budget.reached === undefined) return 'under';
  return budget.reached >= 1 ? 'over' : 'warning';
}

const percent = (share: number) => Math.floor(share * 100 + 1e-9);

function BudgetBar(props: { report: BudgetReport; budget: TeamBudgetStatus }) {
  const { report, budget } = props;
  const classes = useStyles();
  const money = (amount: number) =>
    formatCost({ ...report, priced: true }, amount);
  const level = levelOf(budget);
  return (
    <Box>
      <Box display="flex" alignItems="baseline" style={{ gap: 16 }}>
        <Typography variant="subtitle2">{budget.title}</Typography>
        <Box flexGrow={1} />
        <Typography variant="body2" aria-label={`Spend of ${budget.title}`}>
          {money(budget.spend)} of {money(budget.monthly)} (
          {percent(budget.share)} %)
          {level === 'over' && ' — budget spent'}
        </Typography>
      </Box>
      <LinearProgress
        variant="determinate"
        value={Math.min(100, budget.share * 100)}
        aria-label={`Budget of ${budget.title}`}
        data-level={level}
        classes={{ root: classes.bar, bar: classes[level] }}
      />
    </Box>
  );
}

/**
 * The teams' soft budgets on the Costs page: a bar per budgeted team the viewer may see, its spend
 * this month (the Costs page's figures) against its monthly amount, amber from 80 % and red from
 * 100 %. Soft: calls are never blocked, and the page says so.
 */
export function BudgetsCard(props: { month: string }) {
  const budgets = useBudgets(props.month);
  const report = budgets.value;
  let body;
  if (budgets.loading) body = <Progress />;
  else if (budgets.error && errorStatus(budgets.error) === 403)
    // The page above says who may see costs; budgets are shown to the same people.
    return null;
  else if (budgets.error)
    body = (
      <ErrorAlert
        error={budgets.error}
        action="see budgets"
        unavailableTitle={prometheusUnavailableTitle(
          errorMessage(budgets.error),
          NO_PROMETHEUS,
        )}
      />
    );
  else if (report && !report.currency)
    body = (
      <Alert severity="info">
        Budgets are amounts in the pricing's currency: with no prices configured
        (<code>maas.pricing</code>) there are none.
      </Alert>
    );
  else if (report && report.budgets.length === 0)
    body = (
      <Alert severity="info">
        {report.scope === 'all' ? (
          <>
            No team has a budget. An administrator sets a monthly amount per
            catalog Group in <code>maas.budgets</code> (group, monthly).
          </>
        ) : (
          'None of the groups you lead has a budget.'
        )}
      </Alert>
    );
  else if (report)
    body = (
      <Box display="flex" flexDirection="column" style={{ gap: 12 }}>
        {report.budgets.map(budget => (
          <BudgetBar key={budget.group} report={report} budget={budget} />
        ))}
        {report.source && (
          <Typography variant="caption" color="textSecondary">
            {report.source.detail}
          </Typography>
        )}
      </Box>
    );
  return (
    <Paper variant="outlined" aria-label="Budgets">
      <Box p={2} display="flex" flexDirection="column" style={{ gap: 12 }}>
        <Box>
          <Typography variant="h6">Budgets, {props.month}</Typography>
          <Typography variant="body2" color="textSecondary">
            Soft budgets: calls are not blocked when a team's budget is spent.
            Its team leads are notified at{' '}
            {BUDGET_THRESHOLDS.map(t => `${t * 100} %`).join(' and ')}.
          </Typography>
        </Box>
        {body}
      </Box>
    </Paper>
  );
}
