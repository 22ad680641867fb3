import { CostSource } from '@maas-portal/plugin-maas-common';
import { PrometheusClient } from '../prometheus/PrometheusClient';
import { countedUnion, promAlternation } from '../prometheus/promql';
import { COST_PARTS, COST_RULES_MANIFEST } from './costRecordingRules';
import { CostRange } from './costRange';
import {
  addPieces,
  coverageQuery,
  describePieces,
  PieceQuery,
  piecesQueries,
  planPieces,
  readCoverage,
} from './recordedCostQuery';

/**
 * The PromQL of a report read raw: for the whole range, one count per counter (countedInWindow: exact to
 * the call, a user's first calls included; never sums of chart points), per user, tier and route, with
 * refusals by limit name (to count calls once where two policies count them; routeCounting); and calls
 * on routes whose series carry no user label, which no user's row can hold (COST_PARTS). One query
 * whatever the number of users, models and days. With `users`, only those users' parts.
 */
export function costQuery(rangeSeconds: number, users?: string[]): string {
  const parts = users
    ? COST_PARTS.filter(p => p.part !== 'unlabelled').map(p => ({
        ...p,
        selector: `{user=~${promAlternation(users)}}`,
      }))
    : COST_PARTS;
  return countedUnion(parts, rangeSeconds);
}

/**
 * How many of the pieces' queries go to Prometheus at once: enough to keep a few cores busy, few enough
 * that one report does not fill Prometheus' query slots (20 by default) that dashboards share.
 */
const PIECE_QUERIES_AT_ONCE = 4;

/** `run` over every item, at most `limit` at a time; the answers in the items' order. */
async function inParallel<T, R>(
  items: T[],
  limit: number,
  run: (item: T) => Promise<R>,
): Promise<R[]> {
  const answers: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      answers[i] = await run(items[i]);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  );
  return answers;
}

/** Past this many users whose counters restarted in a range, the whole range is read raw. */
const MAX_RAW_USERS = 100;

const RULES_NOTE = `the recording rules (${COST_RULES_MANIFEST})`;

/**
 * The counts of a range, tagged by part (COST_PARTS), as the raw query over the range answers them: from
 * the recording rules when they cover it (the range cut into recorded days and hours and raw edges, all in
 * one query; the users whose series were irregular somewhere in it read raw over the range, so that the
 * figures are the raw ones to the call), otherwise one raw query. The source says which, and how.
 */
export async function readCostCounts(
  prometheus: PrometheusClient,
  range: CostRange,
  options: {
    /** False when the rules were found absent a moment ago: the raw query without asking again. */
    probe?: boolean;
  } = {},
): Promise<{
  samples: Array<{ metric: Record<string, string>; value: number }>;
  source: CostSource;
  /** Whether the probe found any evaluation of the rules in the range (undefined: not asked). */
  rulesFound?: boolean;
}> {
  const seconds = range.end - range.start;
  const raw = async (why: string) => ({
    samples: await prometheus.query(costQuery(seconds), range.end),
    source: {
      kind: 'raw' as const,
      detail: `From Limitador's raw counters: ${why}.`,
    },
  });
  const probe = options.probe === false ? undefined : coverageQuery(range);
  const answer = probe ? await prometheus.query(probe, range.end) : [];
  const coverage = readCoverage(answer);
  if (coverage.length === 0)
    return {
      ...(await raw(
        `${RULES_NOTE} are not loaded in this Prometheus, or do not cover this range without a gap`,
      )),
      ...(probe ? { rulesFound: answer.length > 0 } : {}),
    };
  const pieces = planPieces(range, coverage);
  if (!pieces.some(p => p.kind === 'recorded'))
    return await raw(`${RULES_NOTE} have no whole hour in this range`);
  const ask = (queries: PieceQuery[]) =>
    inParallel(queries, PIECE_QUERIES_AT_ONCE, async q => ({
      ...q,
      samples: await prometheus.query(q.promql, range.end),
    }));
  const answers = await ask(piecesQueries(pieces));
  // Series absent at an edge's start: irregular if seen the day before (a gap), asked only for them.
  const followUps = answers.flatMap(a =>
    a.thenForUsers && a.samples.length > 0
      ? [
          a.thenForUsers(
            a.samples.length > MAX_RAW_USERS
              ? undefined
              : a.samples.map(s => s.metric.user ?? ''),
          ),
        ]
      : [],
  );
  const { samples, irregularUsers } = addPieces([
    ...answers,
    ...(await ask(followUps)),
  ]);
  let detail = `From ${RULES_NOTE}: ${describePieces(pieces)}`;
  if (irregularUsers.size === 0)
    return {
      samples,
      source: { kind: 'recording-rules', detail: `${detail}.` },
    };
  if (irregularUsers.has('') || irregularUsers.size > MAX_RAW_USERS)
    return await raw(
      `in this range the counters of ${
        irregularUsers.has('') ? 'calls without a user label' : 'many users'
      } restarted or were not scraped for a while, which only the raw counters count as the portal does`,
    );
  // Those users' series restarted or had a gap: their figures are read raw over the whole range.
  const users = [...irregularUsers].sort();
  const theirs = await prometheus.query(costQuery(seconds, users), range.end);
  detail += `; the ${users.length} user${
    users.length === 1 ? '' : 's'
  } whose counters restarted or were not scraped for a while in this range read raw`;
  return {
    samples: [
      ...samples.filter(
        s =>
          s.metric.part === 'unlabelled' || !irregularUsers.has(s.metric.user),
      ),
      ...theirs,
    ],
    source: { kind: 'recording-rules', detail: `${detail}.` },
  };
}
