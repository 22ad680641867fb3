/** A PromQL string literal: backslashes and double quotes escaped. */
export function promString(value: string): string {
  return `"${value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')}"`;
}

/** `{a="x",b!=""}` from matchers written as [label, operator, value]. */
export function selector(
  matchers: Array<[string, '=' | '!=', string]>,
): string {
  return `{${matchers
    .map(([label, op, value]) => `${label}${op}${promString(value)}`)
    .join(',')}}`;
}

/** One counter's increase over a window, summed by some labels. */
export interface IncreaseQuery {
  /** Names the part in the union's answer (its `part` label). */
  part: string;
  metric: string;
  selector: string;
  by: string[];
}

/**
 * Several increases over the same window in one query: each summed by its labels and tagged with a
 * `part` label, so that their label sets never collide in the union.
 */
export function increaseUnion(
  queries: IncreaseQuery[],
  windowSeconds: number,
): string {
  return queries
    .map(q => {
      const by = q.by.length > 0 ? ` by (${q.by.join(', ')})` : '';
      const sum = `sum${by} (increase(${q.metric}${q.selector}[${windowSeconds}s]))`;
      return `label_replace(${sum}, "part", ${promString(q.part)}, "", "")`;
    })
    .join(' or ');
}
