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
