import { stringify } from 'yaml';
import {
  countedInWindow,
  CounterQuery,
  endModifiers,
  promAlternation,
  promDuration,
  selector,
  WindowEnd,
} from '../prometheus/promql';

const PER_USER = selector([['user', '!=', '']]);
const WITHOUT_USER = selector([['user', '=', '']]);

/**
 * The counters of a cost report, each counted per user, tier and route (countedInWindow), refusals by
 * limit name (to count calls once where two policies count them; routeCounting), and calls on routes
 * whose series carry no user label, which no user's row can hold. The raw query (costQuery) and the
 * recording rules count the same parts: one list.
 */
export const COST_PARTS: CounterQuery[] = [
  {
    part: 'calls',
    metric: 'authorized_calls',
    selector: PER_USER,
    by: ['user', 'group', 'limitador_namespace'],
  },
  {
    part: 'tokens',
    metric: 'authorized_hits',
    selector: PER_USER,
    by: ['user', 'group', 'limitador_namespace'],
  },
  {
    part: 'limited',
    metric: 'limited_calls',
    selector: PER_USER,
    by: ['user', 'group', 'limitador_namespace', 'limit_name'],
  },
  {
    part: 'unlabelled',
    metric: 'authorized_calls',
    selector: WITHOUT_USER,
    by: ['limitador_namespace'],
  },
];

/**
 * The rules' levels, coarsest first: a level's evaluation at t records the count of the window of
 * `seconds` ending LAG_SECONDS before t. A month is mostly days; its edges hours; what is left (under an
 * hour at each end) is read raw.
 */
export const COST_RULE_LEVELS = [
  { name: '1d', seconds: 86400 },
  { name: '1h', seconds: 3600 },
] as const;

export type CostRuleLevel = (typeof COST_RULE_LEVELS)[number];

/**
 * How far behind its evaluation a rule's window ends: a scrape's samples carry the time the scrape
 * started and are stored when it ends, so a window read the instant it ends could miss its last
 * scrape, which the next window would then count from (and the calls between the two would be lost).
 */
export const COST_RULE_LAG_SECONDS = 60;

/** The file the rules are shipped in, as a PrometheusRule and as a plain rules file. */
export const COST_RULES_MANIFEST = 'deploy/prometheus-rules.yaml';
export const COST_RULES_FILE = 'deploy/prometheus-rules.rules.yaml';

/** The recorded series of a part (or `irregular`, `evaluated_at`) at a level. */
export function costRecord(part: string, level: CostRuleLevel): string {
  return `maas_costs:${part}:${level.name}`;
}

/** The labels a series is flagged by: the user whose figures then come from the raw counters. */
export const FLAG_BY = ['user', 'group', 'limitador_namespace'];

/** How far back a series absent at a window's start is looked for in the hourly records. */
const HISTORY = '1d';

/** The counters whose series are checked for a fall or a gap (irregularQuery). */
const IRREGULAR_METRICS = [
  'authorized_calls',
  'authorized_hits',
  'limited_calls',
];

/**
 * Per user, tier and route: how many of its series are irregular in the window, where a count over the
 * window would not add up with the windows around it into the raw count over a longer range:
 * - the counter went down within the window (`resets`), or between the window's start and its first
 *   sample (Limitador restarted: the raw count over a longer range then counts as `increase()`);
 * - it is absent at the window's start while its user, tier and route have an hourly record in the day
 *   before (a scrape gap of over 5 minutes, a counter back after a restart): the window would count its
 *   whole value. A series born in the window (a user's first call) is regular: every count counts it
 *   from 0. The day before is read from the hourly records (one sample an hour), not the raw series.
 * Only flagged series are recorded (`> 0`), so the rule costs nothing while all is regular.
 */
export function irregularQuery(windowSeconds: number, end?: WindowEnd): string {
  return (
    `${wentDownQuery(windowSeconds, end)}` +
    ` or (${absentAtStartQuery(windowSeconds, end)} and on (${FLAG_BY.join(
      ', ',
    )}) ${historyQuery(windowSeconds, end)})`
  );
}

/** The first half of irregularQuery: per user, tier and route, the series that went down in the window. */
export function wentDownQuery(windowSeconds: number, end?: WindowEnd): string {
  const mods = (extra: number) => endModifiers(end, extra);
  const range = `[${promDuration(windowSeconds)}]${mods(0)}`;
  const wentDown = (x: string) =>
    `(resets(${x}${range}) > 0) or (min_over_time(${x}${range}) < ${x}${mods(
      windowSeconds,
    )})`;
  return `(count by (${FLAG_BY.join(', ')}) (${IRREGULAR_METRICS.map(
    m => `(${wentDown(m)})`,
  ).join(' or ')}))`;
}

/**
 * Per user, tier and route, the series absent at the window's start but present in it: irregular where
 * historyQuery finds them in the day before (a gap), regular where not (born in the window).
 */
export function absentAtStartQuery(
  windowSeconds: number,
  end?: WindowEnd,
  users?: string[],
): string {
  const mods = (extra: number) => endModifiers(end, extra);
  const only = users ? `{user=~${promAlternation(users)}}` : '';
  const range = `[${promDuration(windowSeconds)}]${mods(0)}`;
  return `count by (${FLAG_BY.join(', ')}) (${IRREGULAR_METRICS.map(
    m =>
      `(last_over_time(${m}${only}${range}) unless ${m}${only}${mods(
        windowSeconds,
      )})`,
  ).join(' or ')})`;
}

/** The users, tiers and routes with an hourly record in the day before the window (of `users` only, if given). */
export function historyQuery(
  windowSeconds: number,
  end?: WindowEnd,
  users?: string[],
): string {
  const hour = COST_RULE_LEVELS[1];
  const only = users ? `, user=~${promAlternation(users)}` : '';
  return `group by (${FLAG_BY.join(
    ', ',
  )}) (last_over_time({__name__=~"maas_costs:(${COST_PARTS.map(
    p => p.part,
  ).join('|')}):${hour.name}"${only}}[${HISTORY}]${endModifiers(
    end,
    // The records of windows that end where this one starts or before: a record is made lag after
    // its window ends. (A window shorter than the lag, a raw edge, looks up to its end: more flags.)
    windowSeconds - COST_RULE_LAG_SECONDS,
  )}))`;
}

/** The count of one part over a window, as a rule records it (a raw edge of a range reads edgeCountQuery). */
export function partQuery(
  part: CounterQuery,
  windowSeconds: number,
  end?: WindowEnd,
): string {
  return `sum by (${part.by.join(', ')}) ${countedInWindow(
    part.metric,
    part.selector,
    windowSeconds,
    end,
  )}`;
}

interface RuleGroup {
  name: string;
  interval: string;
  rules: Array<{ record: string; expr: string }>;
}

/** Keeps a daily rule's answer only at the evaluation in the first hour of a UTC day. */
const FIRST_HOUR = 'and on () (hour() == 0)';

/** The 24 hourly evaluations up to this one (a day less a second: not the one a day before). */
const DAY_OF_HOURS = '[86399s]';

/**
 * One group, evaluated every hour, its rules in order (a rule reads what the ones before it recorded in
 * the same evaluation):
 * - per hour, each part's count over the hour ending LAG_SECONDS before the evaluation, the series
 *   irregular in it, and the evaluation's own time (`evaluated_at`), by which the portal finds which
 *   windows are recorded;
 * - at the evaluation in the first hour of each UTC day, the same figures for the day: the sums of the
 *   day's 24 hourly records, so a day's window ends where an hour's does. Its `evaluated_at` is recorded
 *   only when all 24 hours were (a Prometheus that was down misses evaluations): a day with a hole is
 *   not a recorded day, and its hours are read as hours.
 * A day's window is the sum of its hours, not a count over a day of raw samples: an hourly evaluation
 * stays cheap, and promtool can backfill it (its `create-blocks-from rules` stops at the first 2-hour
 * block without an evaluation, so it cannot backfill a group evaluated daily).
 */
export function costRuleGroups(): RuleGroup[] {
  const lag: WindowEnd = { offsetSeconds: COST_RULE_LAG_SECONDS };
  const [day, hour] = COST_RULE_LEVELS;
  const hourly = [
    ...COST_PARTS.map(part => ({
      record: costRecord(part.part, hour),
      expr: partQuery(part, hour.seconds, lag),
    })),
    {
      record: costRecord('irregular', hour),
      expr: `(${irregularQuery(hour.seconds, lag)}) > 0`,
    },
    { record: costRecord('evaluated_at', hour), expr: 'time()' },
  ];
  const daily = [
    ...COST_PARTS.map(part => ({
      record: costRecord(part.part, day),
      expr: `sum by (${part.by.join(', ')}) (sum_over_time(${costRecord(
        part.part,
        hour,
      )}${DAY_OF_HOURS})) ${FIRST_HOUR}`,
    })),
    {
      record: costRecord('irregular', day),
      expr: `sum by (${FLAG_BY.join(', ')}) (sum_over_time(${costRecord(
        'irregular',
        hour,
      )}${DAY_OF_HOURS})) ${FIRST_HOUR}`,
    },
    {
      record: costRecord('evaluated_at', day),
      expr: `time() + 0 * (count_over_time(${costRecord(
        'evaluated_at',
        hour,
      )}${DAY_OF_HOURS}) == 24) ${FIRST_HOUR}`,
    },
  ];
  return [{ name: 'maas-costs', interval: '1h', rules: [...hourly, ...daily] }];
}

/**
 * The rules file in passes for promtool's backfill, which computes a rule from the Prometheus it queries:
 * a rule that reads other records (the irregular series read the hourly records, the days sum the hours)
 * comes in a later pass than them, once their blocks are loaded. Each pass is the same group with some of
 * its rules, to be written to the same path as the whole file, so that the group keeps its evaluation
 * times (Prometheus and promtool derive them from the group's name and file).
 */
export function costRulesBackfillPasses(): string[] {
  const [group] = costRuleGroups();
  const reads = (expr: string, record: string) =>
    expr.includes(record) ||
    [...expr.matchAll(/__name__=~"([^"]+)"/g)].some(m =>
      new RegExp(`^(?:${m[1]})$`).test(record),
    );
  const pass = new Map<string, number>();
  for (const rule of group.rules)
    pass.set(
      rule.record,
      1 +
        Math.max(
          0,
          ...group.rules
            .filter(r => pass.has(r.record) && reads(rule.expr, r.record))
            .map(r => pass.get(r.record)!),
        ),
    );
  const passes = Math.max(...pass.values());
  return Array.from({ length: passes }, (_, i) =>
    stringify(
      {
        groups: [
          {
            ...group,
            rules: group.rules.filter(r => pass.get(r.record) === i + 1),
          },
        ],
      },
      { lineWidth: 0 },
    ),
  );
}

const GENERATED = (other: string) =>
  [
    "# Recording rules for the MaaS portal's Costs page (plugins/maas-backend: costs/costRecordingRules.ts).",
    `# Generated (MAAS_WRITE_COST_RULES=1 yarn backstage-cli repo test costRecordingRules); the same groups as ${other}.`,
    '# How they count, and why they stay exact to the call: docs/how-it-works.md, "Costs from recording rules".',
  ].join('\n');

/** The plain rules file (Prometheus' rule_files; promtool tsdb create-blocks-from rules). */
export function costRulesFileYaml(): string {
  return `${GENERATED(COST_RULES_MANIFEST)}\n${stringify(
    { groups: costRuleGroups() },
    { lineWidth: 0 },
  )}`;
}

/** The PrometheusRule a platform team applies where the Prometheus operator runs. */
export function costRulesManifestYaml(): string {
  return `${GENERATED(COST_RULES_FILE)}\n${stringify(
    {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: {
        name: 'maas-costs',
        labels: { 'app.kubernetes.io/part-of': 'maas-portal' },
      },
      spec: { groups: costRuleGroups() },
    },
    { lineWidth: 0 },
  )}`;
}
