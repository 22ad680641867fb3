const UNIT_SECONDS: Record<string, number> = {
  h: 3600,
  m: 60,
  s: 1,
  ms: 0.001,
};

/** Seconds of a Kuadrant window (`2m`, `1h30m`, `500ms`), as Limitador's `seconds` holds it. */
export function windowSeconds(window: string): number {
  let total = 0;
  let matched = '';
  for (const m of window.matchAll(/([0-9]+)(ms|h|m|s)/g)) {
    total += Number(m[1]) * UNIT_SECONDS[m[2]];
    matched += m[0];
  }
  if (matched !== window || matched === '') {
    throw new Error(`"${window}" is not a Kuadrant window`);
  }
  return total;
}
