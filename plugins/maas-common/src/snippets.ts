/*
 * Values the Usage tab puts into code people copy and run (shell, Python, JavaScript): a model's
 * name, URL and issuer come from the cluster and from whoever created the model, so each is quoted
 * for the language it lands in, never pasted raw (a `$(…)` in an issuer would run in the shell of
 * everyone who copies the script).
 */

/**
 * `value` as one shell word: single-quoted, each `'` closed, escaped and reopened.
 *
 * @public
 */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * `value` as a double-quoted string literal of JavaScript or Python: JSON's escaping (`"`, `\`,
 * control characters as `\n` or `\uXXXX`) reads the same in both languages. U+2028 and U+2029 are
 * escaped too, for older JavaScript parsers.
 *
 * @public
 */
export function codeString(value: string): string {
  return JSON.stringify(value)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
