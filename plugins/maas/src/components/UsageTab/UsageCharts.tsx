import { InfoCard, Progress } from '@backstage/core-components';
import { Box, Grid, Typography } from '@material-ui/core';
import {
  Alert,
  AlertTitle,
  ToggleButton,
  ToggleButtonGroup,
} from '@material-ui/lab';
import {
  ModelUsage,
  USAGE_RANGES,
  UsageRange,
} from '@maas-portal/plugin-maas-common';
import { ReactElement, useMemo, useState } from 'react';
import {
  Area,
  AreaChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatInstant, formatTick } from '../../format/dates';
import { formatCount } from '../../format/limits';
import { useUsage } from '../../hooks/useUsage';
import { ErrorAlert, errorMessage, errorStatus } from '../ErrorAlert';
import {
  ChartLine,
  ChartRow,
  mergeSeries,
  seriesKey,
  tierColors,
  tierLabel,
} from './chartData';
import { TopUsersTable } from './TopUsersTable';

const RANGE_LABEL: Record<UsageRange, string> = {
  '1h': 'the last hour',
  '24h': 'the last 24 hours',
  '7d': 'the last 7 days',
};

function callsChart(usage: ModelUsage, color: (tier: string | null) => string) {
  const series = [
    ...usage.authorized.map(s => ({
      key: seriesKey('authorized', s.tier),
      points: s.points,
    })),
    ...usage.limited.map(s => ({
      key: seriesKey('limited', s.tier),
      points: s.points,
    })),
  ];
  const lines: ChartLine[] = [
    ...usage.authorized.map(s => ({
      dataKey: seriesKey('authorized', s.tier),
      name: `${tierLabel(s.tier)} authorized`,
      color: color(s.tier),
    })),
    ...usage.limited.map(s => ({
      dataKey: seriesKey('limited', s.tier),
      name: `${tierLabel(s.tier)} limited`,
      color: color(s.tier),
      dashed: true,
    })),
  ];
  return { rows: mergeSeries(series), lines: uniqueLines(lines) };
}

function tokensChart(
  usage: ModelUsage,
  color: (tier: string | null) => string,
) {
  const series = usage.tokens.map(s => ({
    key: seriesKey('tokens', s.tier),
    points: s.points,
  }));
  const lines: ChartLine[] = usage.tokens.map(s => ({
    dataKey: seriesKey('tokens', s.tier),
    name: `${tierLabel(s.tier)} tokens`,
    color: color(s.tier),
  }));
  return { rows: mergeSeries(series), lines: uniqueLines(lines) };
}

/** Limited calls come per limit name; the chart shows one line per tier. */
function uniqueLines(lines: ChartLine[]): ChartLine[] {
  return lines.filter(
    (line, i) => lines.findIndex(l => l.dataKey === line.dataKey) === i,
  );
}

/** One chart in its half of the row, named by its label, with a line or an area per series. */
function ChartCell(props: {
  label: string;
  chart: typeof LineChart | typeof AreaChart;
  data: { rows: ChartRow[]; lines: ChartLine[] };
  range: UsageRange;
  series: (line: ChartLine) => ReactElement;
}) {
  const { label, chart: Chart, data, range, series } = props;
  return (
    <Grid item xs={12} lg={6}>
      <Box role="figure" aria-label={label} height={280}>
        <Typography variant="subtitle2">{label}</Typography>
        <ResponsiveContainer width="100%" height={250}>
          <Chart data={data.rows}>
            {axes(range)}
            {data.lines.map(series)}
          </Chart>
        </ResponsiveContainer>
      </Box>
    </Grid>
  );
}

/** What a line and an area share: one series, its name and color, drawn at once. */
function seriesProps(line: ChartLine) {
  return {
    type: 'monotone' as const,
    dataKey: line.dataKey,
    name: line.name,
    stroke: line.color,
    isAnimationActive: false,
  };
}

function axes(range: UsageRange) {
  const longRange = range === '7d';
  return [
    <CartesianGrid key="grid" strokeDasharray="3 3" />,
    <XAxis
      key="x"
      dataKey="t"
      type="number"
      scale="time"
      domain={['dataMin', 'dataMax']}
      tickFormatter={(t: number) => formatTick(t, longRange)}
    />,
    <YAxis key="y" tickFormatter={(v: number) => formatCount(v)} width={56} />,
    <Tooltip
      key="tooltip"
      labelFormatter={(t: number) => formatInstant(t)}
      formatter={(v: number) => Math.round(v).toLocaleString('en-US')}
    />,
    <Legend key="legend" />,
  ];
}

function Totals(props: { usage: ModelUsage }) {
  const sum = (series: ModelUsage['authorized']) =>
    series.reduce((n, s) => n + s.total, 0);
  const { usage } = props;
  return (
    <Typography variant="body2" aria-label="Usage totals">
      {formatCount(sum(usage.authorized))} authorized calls,{' '}
      {formatCount(sum(usage.limited))} limited,{' '}
      {formatCount(sum(usage.tokens))} tokens
      {usage.scope === 'user' ? ' (your own usage)' : ' (everyone)'}
    </Typography>
  );
}

function UsageView(props: { usage: ModelUsage; tiers: string[] }) {
  const { usage, tiers } = props;
  const color = useMemo(
    () =>
      tierColors([
        ...tiers,
        ...usage.authorized.map(s => s.tier),
        ...usage.limited.map(s => s.tier),
        ...usage.tokens.map(s => s.tier),
      ]),
    [tiers, usage],
  );
  const calls = useMemo(() => callsChart(usage, color), [usage, color]);
  const tokens = useMemo(() => tokensChart(usage, color), [usage, color]);
  const empty = calls.rows.length === 0 && tokens.rows.length === 0;

  return (
    <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
      {!usage.perUserLabels && (
        <Alert severity="info">
          <AlertTitle>Per-user usage is not available</AlertTitle>
          Per-user usage needs a TelemetryPolicy on the Gateway that labels
          Limitador's metrics with the user and tier. Until one is applied, the
          charts show everyone's calls, not per tier or per user.
        </Alert>
      )}
      {usage.warnings.map(w => (
        <Alert key={w} severity="info">
          {w}
        </Alert>
      ))}
      <Totals usage={usage} />
      {empty ? (
        <Typography variant="body1">
          No calls to this model in {RANGE_LABEL[usage.range]}. Calls appear
          here within a minute or two of being made.
        </Typography>
      ) : (
        <Grid container spacing={2}>
          <ChartCell
            label="Authorized and limited calls"
            chart={LineChart}
            data={calls}
            range={usage.range}
            series={line => (
              <Line
                key={line.dataKey}
                {...seriesProps(line)}
                strokeDasharray={line.dashed ? '5 3' : undefined}
                dot={false}
              />
            )}
          />
          <ChartCell
            label="Tokens"
            chart={AreaChart}
            data={tokens}
            range={usage.range}
            series={line => (
              <Area
                key={line.dataKey}
                {...seriesProps(line)}
                fill={line.color}
                fillOpacity={0.3}
                stackId="tokens"
              />
            )}
          />
        </Grid>
      )}
      {usage.topUsers && <TopUsersTable users={usage.topUsers} />}
    </Box>
  );
}

function UsageUnavailable(props: { error: Error }) {
  const { error } = props;
  if (errorStatus(error) === 503) {
    const message = errorMessage(error);
    return (
      <Alert severity="info">
        <AlertTitle>Usage charts need Prometheus</AlertTitle>
        {message}
        {!message.includes('maas.prometheus.url') &&
          ' Check maas.prometheus.url in the app config and that Prometheus scrapes Limitador.'}
      </Alert>
    );
  }
  return <ErrorAlert error={error} action="see this model's usage" />;
}

export interface UsageChartsProps {
  entityRef: string;
  /** The model's tier names, so that each tier keeps its color when it has no calls. */
  tiers: string[];
  /** Holders of maas.usage.read-all may switch between their own usage and everyone's. */
  mayReadAll: boolean;
}

/** A model's calls and tokens over a chosen range, per tier, and per user for admins. */
export function UsageCharts(props: UsageChartsProps) {
  const { entityRef, tiers, mayReadAll } = props;
  const [range, setRange] = useState<UsageRange>('24h');
  const [scope, setScope] = useState<'user' | 'all' | undefined>(undefined);
  const usage = useUsage(entityRef, range, scope);
  const shownScope = scope ?? usage.value?.scope;

  return (
    <InfoCard
      title="Usage"
      action={
        <Box display="flex" style={{ gap: 8 }} pt={1}>
          {mayReadAll && (
            <ToggleButtonGroup
              size="small"
              exclusive
              value={shownScope}
              onChange={(_, value) => value && setScope(value)}
              aria-label="Whose usage"
            >
              <ToggleButton value="user">Mine</ToggleButton>
              <ToggleButton value="all">Everyone</ToggleButton>
            </ToggleButtonGroup>
          )}
          <ToggleButtonGroup
            size="small"
            exclusive
            value={range}
            onChange={(_, value) => value && setRange(value)}
            aria-label="Range"
          >
            {USAGE_RANGES.map(r => (
              <ToggleButton key={r} value={r}>
                {r}
              </ToggleButton>
            ))}
          </ToggleButtonGroup>
        </Box>
      }
    >
      {usage.loading && <Progress />}
      {!usage.loading && usage.error && (
        <UsageUnavailable error={usage.error} />
      )}
      {!usage.loading && usage.value && (
        <UsageView usage={usage.value} tiers={tiers} />
      )}
    </InfoCard>
  );
}
