import {
  CounterQuery,
  endModifiers,
  promDuration,
  promString,
  WindowEnd,
} from '../prometheus/promql';
import {
  absentAtStartQuery,
  COST_PARTS,
  COST_RULE_LAG_SECONDS,
  COST_RULE_LEVELS,
  CostRuleLevel,
  costRecord,
  FLAG_BY,
  historyQuery,
  wentDownQuery,
} from './costRecordingRules';
import { CostRange } from './costRange';

/** The recorded windows of one level inside a range: evaluations from `first` to `last`, every one. */
export interface LevelCoverage {
  level: CostRuleLevel;
  /** Unix milliseconds of the first and last evaluation whose window ends inside the range. */
  firstMs: number;
  lastMs: number;
}

/** A piece of a range: read from Limitador's counters, or a level's recorded windows. */
export type CostPiece =
  | { kind: 'raw'; fromMs: number; toMs: number }
  | { kind: 'recorded'; level: CostRuleLevel; firstMs: number; lastMs: number };

const lagMs = COST_RULE_LAG_SECONDS * 1000;
const at = (ms: number) => Number((ms / 1000).toFixed(3));

/**
 * The query that finds, per level, the first and last evaluation of the rules whose window lies in the
 * range, and how many there are: an evaluation at t records the window ending at t - lag. One series a
 * level, so it costs nothing; no answer means the rules are not loaded.
 */
export function coverageQuery(range: CostRange): string | undefined {
  const parts: string[] = [];
  for (const level of COST_RULE_LEVELS) {
    const span = range.end - range.start - level.seconds;
    if (span <= 0) continue;
    const selected = `${costRecord('evaluated_at', level)}[${promDuration(
      span,
    )}] @ ${range.end + COST_RULE_LAG_SECONDS}`;
    for (const fn of ['min', 'max', 'count'])
      parts.push(
        `label_replace(label_replace(${fn}_over_time(${selected}), "level", ${promString(
          level.name,
        )}, "", ""), "fn", "${fn}", "", "")`,
      );
  }
  return parts.length > 0 ? parts.join(' or ') : undefined;
}

/**
 * The levels whose evaluations in the range are all there (none missed: a Prometheus that was down
 * misses evaluations, and a level with a hole is not used for the range), from the coverage query's answer.
 */
export function readCoverage(
  samples: Array<{ metric: Record<string, string>; value: number }>,
): LevelCoverage[] {
  const covered: LevelCoverage[] = [];
  for (const level of COST_RULE_LEVELS) {
    const of = (fn: string) =>
      samples.find(s => s.metric.level === level.name && s.metric.fn === fn)
        ?.value;
    const min = of('min');
    const max = of('max');
    const count = of('count');
    if (min === undefined || max === undefined || count === undefined) continue;
    const firstMs = Math.round(min * 1000);
    const lastMs = Math.round(max * 1000);
    const stepMs = level.seconds * 1000;
    if (
      (lastMs - firstMs) % stepMs === 0 &&
      (lastMs - firstMs) / stepMs + 1 === count
    )
      covered.push({ level, firstMs, lastMs });
  }
  return covered;
}

/**
 * The range cut into pieces that add up to it: the coarsest level's windows that fit, then, on each
 * side, the next level's, and what is left raw (under an hour at each end, and between two levels whose
 * evaluations are not aligned). Pieces share their edges, so their counts add up to the count over the
 * range (countedInWindow).
 */
export function planPieces(
  range: CostRange,
  coverage: LevelCoverage[],
): CostPiece[] {
  const tile = (
    fromMs: number,
    toMs: number,
    levels: LevelCoverage[],
  ): CostPiece[] => {
    if (toMs <= fromMs) return [];
    const [cov, ...rest] = levels;
    if (!cov) return [{ kind: 'raw', fromMs, toMs }];
    const stepMs = cov.level.seconds * 1000;
    // Evaluations t with the window (t - lag - step, t - lag] inside (from, to].
    const earliest = Math.max(cov.firstMs, fromMs + lagMs + stepMs);
    const firstMs =
      cov.firstMs + Math.ceil((earliest - cov.firstMs) / stepMs) * stepMs;
    const latest = Math.min(cov.lastMs, toMs + lagMs);
    const lastMs =
      cov.firstMs + Math.floor((latest - cov.firstMs) / stepMs) * stepMs;
    if (lastMs < firstMs) return tile(fromMs, toMs, rest);
    return [
      ...tile(fromMs, firstMs - lagMs - stepMs, rest),
      { kind: 'recorded', level: cov.level, firstMs, lastMs },
      ...tile(lastMs - lagMs, toMs, rest),
    ];
  };
  return tile(range.start * 1000, range.end * 1000, coverage);
}

/** One query of the pieces: a part's count over one piece (or the series flagged irregular in it). */
export interface PieceQuery {
  part: string;
  promql: string;
  /**
   * For part `absent` (series absent at a raw edge's start): the query, for the users answered, that
   * flags those of them seen in the day before (a gap, not a first call) as `irregular` (all users'
   * series when undefined: too many to name in a query).
   */
  thenForUsers?: (users: string[] | undefined) => PieceQuery;
}

/**
 * A part's count over a raw edge: its last value in the edge less its value at the edge's start, or all
 * of it for a series born in the edge. Simpler than countedInWindow (no resets() or increase()): a series
 * that went down in the edge is flagged irregular (wentDownQuery), and its user is read raw over the whole
 * range, so what the edge counts for it is never used.
 */
export function edgeCountQuery(
  part: CounterQuery,
  windowSeconds: number,
  end: WindowEnd,
): string {
  const x = `${part.metric}${part.selector}`;
  const last = `last_over_time(${x}[${promDuration(
    windowSeconds,
  )}]${endModifiers(end)})`;
  return `sum by (${part.by.join(', ')}) ((${last} - ${x}${endModifiers(
    end,
    windowSeconds,
  )}) or ${last})`;
}

/**
 * The queries of a raw edge: each part's count, the series that went down in it (`irregular`), and those
 * absent at its start (`absent`), which a second query checks for history only when there are any: the
 * history (a day of hourly records of every series) took most of an edge's time, for series that are
 * nearly never absent.
 */
function edgeQueries(seconds: number, end: WindowEnd): PieceQuery[] {
  return [
    ...COST_PARTS.map(part => ({
      part: part.part,
      promql: edgeCountQuery(part, seconds, end),
    })),
    { part: 'irregular', promql: wentDownQuery(seconds, end) },
    {
      part: 'absent',
      promql: absentAtStartQuery(seconds, end),
      thenForUsers: users => ({
        part: 'irregular',
        promql: `${absentAtStartQuery(
          seconds,
          end,
          users,
        )} and on (${FLAG_BY.join(', ')}) ${historyQuery(seconds, end, users)}`,
      }),
    },
  ];
}

/**
 * The queries of all pieces: each part's count over each piece, and the series flagged irregular in each
 * (part `irregular`; at a raw edge also `absent`, see edgeQueries); the caller adds them up per part and
 * labels. Separate queries, not one union: Prometheus runs them side by side, while a union of some 25 of
 * them took twice their sum (each `or` matches its whole left side again), 3.4 s against 1.6 s at 100
 * users x 20 models.
 */
export function piecesQueries(pieces: CostPiece[]): PieceQuery[] {
  const queries: PieceQuery[] = [];
  for (const piece of pieces) {
    if (piece.kind === 'raw') {
      queries.push(
        ...edgeQueries((piece.toMs - piece.fromMs) / 1000, {
          atSeconds: at(piece.toMs),
        }),
      );
      continue;
    }
    // Evaluations from first to last: half a step more, so the range holds the first whichever way
    // Prometheus bounds a range (closed in 2.x, open at its start in 3.x) and not the one before.
    const span = `[${promDuration(
      (piece.lastMs - piece.firstMs + (piece.level.seconds * 1000) / 2) / 1000,
    )}] @ ${at(piece.lastMs)}`;
    for (const part of COST_PARTS)
      queries.push({
        part: part.part,
        promql: `sum by (${part.by.join(', ')}) (sum_over_time(${costRecord(
          part.part,
          piece.level,
        )}${span}))`,
      });
    queries.push({
      part: 'irregular',
      promql: `sum by (${FLAG_BY.join(', ')}) (sum_over_time(${costRecord(
        'irregular',
        piece.level,
      )}${span}))`,
    });
  }
  return queries;
}

const byOfPart = new Map(COST_PARTS.map(p => [p.part, p.by]));

/**
 * The pieces' answers added up per part and labels (what the raw query over the range answers, tagged
 * `part`), and the users flagged irregular in any piece.
 */
export function addPieces(
  answers: Array<{
    part: string;
    samples: Array<{ metric: Record<string, string>; value: number }>;
  }>,
): {
  samples: Array<{ metric: Record<string, string>; value: number }>;
  irregularUsers: Set<string>;
} {
  const sums = new Map<
    string,
    { metric: Record<string, string>; value: number }
  >();
  const irregularUsers = new Set<string>();
  for (const { part, samples } of answers)
    for (const s of samples) {
      if (part === 'absent') continue;
      if (part === 'irregular') {
        if (s.value > 0) irregularUsers.add(s.metric.user ?? '');
        continue;
      }
      // The part's own labels make the key: a sorted JSON of every label took a second at 1,000 users.
      const key = [
        part,
        ...(byOfPart.get(part) ?? []).map(l => s.metric[l]),
      ].join('\u0000');
      const sum = sums.get(key);
      if (sum) sum.value += s.value;
      else sums.set(key, { metric: { ...s.metric, part }, value: s.value });
    }
  return { samples: [...sums.values()], irregularUsers };
}

/** What the pieces are, in words: the source of a report's figures. */
export function describePieces(pieces: CostPiece[]): string {
  const recorded = new Map<string, number>();
  let rawMs = 0;
  for (const p of pieces) {
    if (p.kind === 'raw') rawMs += p.toMs - p.fromMs;
    else
      recorded.set(
        p.level.name,
        (recorded.get(p.level.name) ?? 0) +
          (p.lastMs - p.firstMs) / (p.level.seconds * 1000) +
          1,
      );
  }
  const names: Record<string, [string, string]> = {
    '1d': ['day', 'days'],
    '1h': ['hour', 'hours'],
  };
  const windows = COST_RULE_LEVELS.filter(l => recorded.has(l.name))
    .map(l => [l.name, recorded.get(l.name)!] as const)
    .map(([level, n]) => `${n} ${names[level]?.[n === 1 ? 0 : 1] ?? level}`);
  const rawMinutes = Math.round(rawMs / 60000);
  const rawSpan =
    rawMinutes > 0 ? `${rawMinutes} min` : `${Math.round(rawMs / 1000)} s`;
  const edges =
    rawMs > 0
      ? `; the ${rawSpan} at the edges read from Limitador's raw counters`
      : '';
  return `${windows.join(' and ')} recorded${edges}`;
}
