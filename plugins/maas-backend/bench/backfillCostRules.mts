// Backfills the Costs recording rules for `yarn bench:costs`: each rule of a pass evaluated by the bench's
// Prometheus over the whole range (query_range, a step per rule interval: the rule's own expression, in
// the same engine that evaluates it live), the answers written as OpenMetrics and imported with promtool.
// promtool 2.42's `create-blocks-from rules` does the same evaluations but writes a block per rule and
// 2 hours and took 2.6 s a block at 1,000 users (about 80 minutes for a first pass of 30 days); here one
// block per 2 hours holds every rule's records of a pass.
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const BLOCK_SECONDS = 7200;
const DAY_SECONDS = 86400;

interface RulePass {
  groups: Array<{
    interval: string;
    rules: Array<{ record: string; expr: string }>;
  }>;
}

/** Writes `lines` (then `# EOF`) to `file`, imports them into `dataDir` with promtool, removes the file. */
export function importOpenMetrics(
  lines: string[],
  file: string,
  dataDir: string,
) {
  writeFileSync(file, `${[...lines, '# EOF'].join('\n')}\n`);
  const promtool = spawnSync(
    '/usr/bin/promtool',
    ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', file, dataDir],
    { encoding: 'utf8' },
  );
  rmSync(file);
  if (promtool.status !== 0) throw new Error(`promtool: ${promtool.stderr}`);
}

const escapeLabel = (v: string) =>
  v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

async function queryRange(
  promUrl: string,
  query: string,
  start: number,
  end: number,
  step: number,
): Promise<
  Array<{ metric: Record<string, string>; values: Array<[number, string]> }>
> {
  const res = await fetch(`${promUrl}/api/v1/query_range`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      query,
      start: String(start),
      end: String(end),
      step: String(step),
      timeout: '600s',
    }),
  });
  const body = await res.json();
  if (body.status !== 'success')
    throw new Error(`query_range ${query.slice(0, 80)}…: ${body.error}`);
  return body.data.result;
}

/**
 * Evaluates one pass's rules at every interval from `start` (a 2-hour boundary, as Prometheus' blocks)
 * to `end`, a day at a time, and imports the records into `dataDir`; the number of samples written.
 */
export async function backfillRulePass(
  promUrl: string,
  passYaml: string,
  start: number,
  end: number,
  dataDir: string,
  workDir: string,
): Promise<number> {
  const [group] = (parse(passYaml) as RulePass).groups;
  const step = Number(/^(\d+)h$/.exec(group.interval)?.[1]) * 3600;
  if (!step) throw new Error(`a rule interval of ${group.interval}`);
  let samples = 0;
  for (let day = start; day <= end; day += DAY_SECONDS) {
    const last = Math.min(end, day + DAY_SECONDS - step);
    // Per 2-hour block: per record name, its lines (each series' samples in time order).
    const blocks = new Map<number, Map<string, string[]>>();
    for (const rule of group.rules) {
      for (const series of await queryRange(
        promUrl,
        rule.expr,
        day,
        last,
        step,
      )) {
        const labels = Object.entries(series.metric)
          .filter(([k]) => k !== '__name__')
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
          .join(',');
        const name = `${rule.record}{${labels}}`;
        for (const [t, v] of series.values) {
          const block = Math.floor(t / BLOCK_SECONDS) * BLOCK_SECONDS;
          let byRecord = blocks.get(block);
          if (!byRecord) blocks.set(block, (byRecord = new Map()));
          let lines = byRecord.get(rule.record);
          if (!lines) byRecord.set(rule.record, (lines = []));
          lines.push(`${name} ${v} ${t}`);
          samples++;
        }
      }
    }
    for (const [block, byRecord] of blocks) {
      const file = join(workDir, `rules-${block}.om.txt`);
      const lines: string[] = [];
      for (const [record, recordLines] of byRecord)
        lines.push(`# TYPE ${record} unknown`, ...recordLines);
      importOpenMetrics(lines, file, dataDir);
    }
  }
  return samples;
}
