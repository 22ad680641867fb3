/* The dataset as OpenMetrics text, for backfilling Prometheus with promtool. */
import type { MetricsDatasetSummary, SeriesSummary } from './dataset.ts';
import { valueAt } from './queries.ts';

function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** `metric{a="1",b="2"}`, labels sorted: the series as exposition formats name it. */
export function seriesName(s: SeriesSummary): string {
  const labels = Object.keys(s.labels)
    .sort()
    .map(k => `${k}="${escapeLabelValue(s.labels[k])}"`)
    .join(',');
  return labels ? `${s.metric}{${labels}}` : s.metric;
}

/**
 * OpenMetrics text for `promtool tsdb create-blocks-from openmetrics`: families contiguous, each series'
 * samples in time order, timestamps in seconds, `# EOF` at the end. Limitador's counters have no `_total`
 * suffix, which OpenMetrics requires of a `counter` family, so they are typed `unknown` (TSDB blocks keep no
 * metric type anyway); vLLM's `..._total` counters are typed `counter`.
 */
export function toOpenMetrics(summary: MetricsDatasetSummary): string {
  const lines: string[] = [];
  const families = [...new Set(summary.series.map(s => s.metric))];
  for (const metric of families) {
    const meta = summary.metrics[metric];
    let family = metric;
    let type: string = meta.kind;
    if (meta.kind === 'counter') {
      if (metric.endsWith('_total')) family = metric.slice(0, -'_total'.length);
      else type = 'unknown';
    }
    lines.push(`# TYPE ${family} ${type}`);
    lines.push(
      `# HELP ${family} ${meta.help
        .replace(/\\/g, '\\\\')
        .replace(/\n/g, '\\n')}`,
    );
    for (const s of summary.series.filter(x => x.metric === metric)) {
      const name = seriesName(s);
      for (
        let t = summary.startTime;
        t <= summary.endTime;
        t += summary.stepSeconds
      ) {
        lines.push(`${name} ${valueAt(summary, s, t)} ${t}`);
      }
    }
  }
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}
