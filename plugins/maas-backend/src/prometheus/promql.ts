/** A PromQL string literal: backslashes and double quotes escaped. */
export function promString(value: string): string {
  return `"${value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')}"`;
}

/** A PromQL string literal of a regex matching exactly one of `values` (each taken literally). */
export function promAlternation(values: string[]): string {
  return promString(
    [...new Set(values)]
      .map(v => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('|'),
  );
}

/** `{a="x",b!=""}` from matchers written as [label, operator, value]. */
export function selector(
  matchers: Array<[string, '=' | '!=', string]>,
): string {
  return `{${matchers
    .map(([label, op, value]) => `${label}${op}${promString(value)}`)
    .join(',')}}`;
}

/**
 * Where a window ends when not at the query's evaluation time: at a fixed time (`@`, unix seconds), and/or
 * `offsetSeconds` before it (a recording rule looks a little back, so that the scrapes of the window's
 * last seconds are stored before it reads them).
 */
export interface WindowEnd {
  atSeconds?: number;
  offsetSeconds?: number;
}

/** A PromQL duration of `seconds` (whole milliseconds): `3600s`, or `3600500ms`. */
export function promDuration(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** The `@ t offset d` modifiers that move a selector's end to `end`, `extraSeconds` earlier still. */
export function endModifiers(
  end: WindowEnd | undefined,
  extraSeconds = 0,
): string {
  const at =
    end?.atSeconds !== undefined
      ? ` @ ${Number(end.atSeconds.toFixed(3))}`
      : '';
  const offset = (end?.offsetSeconds ?? 0) + extraSeconds;
  return offset > 0 ? `${at} offset ${promDuration(offset)}` : at;
}

/**
 * What a counter counted in the `windowSeconds` before the evaluation time, per series, exactly: its last
 * value in the window minus its value at the window's start. A series that did not exist at the start counts
 * from 0: Limitador creates a series at its first increment, so its first scraped value is calls too (a
 * user's first calls, a lone 429), which `increase()` never counts, and `increase()` also extrapolates
 * to the window's edges. The same holds for vLLM's counters, which start at 0 with the server.
 *
 * - The end is the last sample within the window, not the instant value: a series that stopped being
 *   scraped (Limitador restarted and the user has not called since, or data that ended) still counts its
 *   calls up to its last sample, instead of vanishing 5 minutes after it.
 * - The start is the instant value at the window's start (5-minute lookback; a Limitador restart's
 *   staleness marker ends it): absent, the series counts from 0. So a window that starts in a gap of over
 *   5 minutes in Prometheus' scrapes, or before its data (retention), counts a series' whole value.
 * - A series whose counter went down within the window (Limitador keeps counters in memory, so a restart
 *   starts them again) counts as `increase()` does, correcting the reset: the calls before and after the
 *   restart, approximately (extrapolated, and without the calls between the last scrape and the restart).
 *   A restart that no scrape shows going down (the first value after it above the last before it) is not
 *   seen: the window then counts the calls since the restart minus the count at the window's start.
 *
 * Windows that share edges add up: a chart's points (each step's window) sum to the range's total.
 */
export function countedInWindow(
  metric: string,
  seriesSelector: string,
  windowSeconds: number,
  /** Where the window ends, when not at the evaluation time (see WindowEnd). */
  end?: WindowEnd,
): string {
  const x = `${metric}${seriesSelector}`;
  const range = `[${promDuration(windowSeconds)}]${endModifiers(end)}`;
  const last = `last_over_time(${x}${range})`;
  const atStart = `${x}${endModifiers(end, windowSeconds)}`;
  // Set operators match on the labels without the metric name, so the three parts never double a
  // series. Parenthesised whole: `or` binds looser than any operator a caller puts around it.
  return (
    `(((${last} - ${atStart}) unless resets(${x}${range}) > 0)` +
    ` or (increase(${x}${range}) and ${atStart})` +
    ` or ${last})`
  );
}

/** One counter's count over a window (countedInWindow), summed by some labels. */
export interface CounterQuery {
  /** Names the part in the union's answer (its `part` label). */
  part: string;
  metric: string;
  selector: string;
  by: string[];
}

/**
 * The tokens vLLM served for a model (its `model_name`), as two parts of a countedUnion: `prompt` and
 * `generation`. vLLM counts every response, streamed or not, so these are what Limitador's token
 * counts are compared with.
 */
export function servedTokenQueries(modelName: string): CounterQuery[] {
  const model = selector([['model_name', '=', modelName]]);
  return [
    {
      part: 'prompt',
      metric: 'vllm:prompt_tokens_total',
      selector: model,
      by: [],
    },
    {
      part: 'generation',
      metric: 'vllm:generation_tokens_total',
      selector: model,
      by: [],
    },
  ];
}

/**
 * Several counts over the same window in one query: each summed by its labels and tagged with a
 * `part` label, so that their label sets never collide in the union.
 */
export function countedUnion(
  queries: CounterQuery[],
  windowSeconds: number,
  end?: WindowEnd,
): string {
  return queries
    .map(q => {
      const by = q.by.length > 0 ? ` by (${q.by.join(', ')})` : '';
      const sum = `sum${by} ${countedInWindow(
        q.metric,
        q.selector,
        windowSeconds,
        end,
      )}`;
      return `label_replace(${sum}, "part", ${promString(q.part)}, "", "")`;
    })
    .join(' or ');
}
