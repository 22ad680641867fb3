import { InfoCard, Progress } from '@backstage/core-components';
import { Box, Grid, Typography } from '@material-ui/core';
import { ToggleButton, ToggleButtonGroup } from '@material-ui/lab';
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
import { WarningAlerts } from '../ErrorAlert';
import {
  ChartLine,
  ChartRow,
  mergeSeries,
  seriesKey,
  stepLabel,
  tierColors,
  tierLabel,
  timeTicks,
} from './chartData';
import { TopUsersTable } from './TopUsersTable';
import {
  DataSince,
  UsageStateMessage,
  UsageUnavailable,
} from './UsageMessages';

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
  usage: ModelUsage;
  /** What is counted, for the unit: "calls", "tokens". */
  unit: string;
  series: (line: ChartLine) => ReactElement;
}) {
  const { label, chart: Chart, data, usage, unit, series } = props;
  const perStep = `${unit} per ${stepLabel(usage.stepSeconds)}`;
  return (
    <Grid item xs={12} lg={6}>
      <Box role="figure" aria-label={label} height={300}>
        <Typography variant="subtitle2">{label}</Typography>
        <Typography variant="caption" aria-label={`${label} unit`}>
          {perStep}; each point counts the {stepLabel(usage.stepSeconds)} up to
          it, the last ending now
        </Typography>
        <ResponsiveContainer width="100%" height={250}>
          <Chart data={data.rows}>
            {axes(usage, perStep)}
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

function axes(usage: ModelUsage, perStep: string) {
  const { start, end, range } = usage;
  return [
    <CartesianGrid key="grid" strokeDasharray="3 3" />,
    <XAxis
      key="x"
      dataKey="t"
      type="number"
      scale="time"
      domain={[start, end]}
      ticks={timeTicks(start, end, range)}
      tickFormatter={(t: number) => formatTick(t, range === '7d')}
    />,
    <YAxis
      key="y"
      tickFormatter={(v: number) => formatCount(v)}
      width={64}
      label={{ value: perStep, angle: -90, position: 'insideLeft' }}
    />,
    <Tooltip
      key="tooltip"
      labelFormatter={(t: number) => formatInstant(t)}
      formatter={(v: number) =>
        `${Math.round(v).toLocaleString('en-US')} ${perStep}`
      }
    />,
    <Legend key="legend" />,
  ];
}

/** A total, or the range it lies in when the counters bound it (see UsageSeries.totalAtLeast). */
function totalText(series: ModelUsage['authorized']): string {
  const most = series.reduce((n, s) => n + s.total, 0);
  const least = series.reduce((n, s) => n + (s.totalAtLeast ?? s.total), 0);
  return least === most
    ? formatCount(most)
    : `between ${formatCount(least)} and ${formatCount(most)}`;
}

/** What is known of the tokens: Limitador's count, or why there is none, and vLLM's when shown. */
function tokensText(usage: ModelUsage): string {
  if (usage.hitsCounted === false)
    return 'tokens not counted (no authorized_hits)';
  const counting = usage.counting ?? [];
  const vllm =
    usage.promptTokens && usage.generationTokens
      ? usage.promptTokens.total + usage.generationTokens.total
      : undefined;
  const served =
    vllm === undefined
      ? ''
      : ` (the model server, vLLM, served ${formatCount(vllm)} tokens)`;
  if (counting.length > 0 && counting.every(c => !c.tokensCounted))
    return `tokens not counted by Limitador on this route${served}`;
  const counted = `${totalText(usage.tokens)} tokens`;
  return counting.some(c => !c.tokensCounted)
    ? `${counted} (for the tiers a TokenRateLimitPolicy applies to)${served}`
    : counted;
}

function Totals(props: { usage: ModelUsage }) {
  const { usage } = props;
  const limited = usage.limited.reduce((n, s) => n + s.total, 0);
  return (
    <Box>
      <Typography variant="body2" aria-label="Usage totals">
        {totalText(usage.authorized)} authorized calls, {formatCount(limited)}{' '}
        limited, {tokensText(usage)}
        {usage.scope === 'user' ? ' (your own usage)' : ' (everyone)'}
      </Typography>
      {(usage.countingNotes ?? []).map(note => (
        <Typography key={note} variant="caption" component="p">
          {note}
        </Typography>
      ))}
    </Box>
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
  const charted =
    (usage.state === 'calls' || usage.state === 'no-user-labels') &&
    calls.rows.length + tokens.rows.length > 0;

  return (
    <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
      <UsageStateMessage usage={usage} />
      <WarningAlerts warnings={usage.warnings} />
      {charted && <Totals usage={usage} />}
      {charted && <DataSince usage={usage} />}
      {charted && (
        <Grid container spacing={2}>
          <ChartCell
            label="Authorized and limited calls"
            chart={LineChart}
            data={calls}
            usage={usage}
            unit="calls"
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
            usage={usage}
            unit="tokens"
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
