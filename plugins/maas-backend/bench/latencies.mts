// How the benchmarks time requests and summarise them: one sequential request at a time, the
// time to the whole body, p50 and p95 by the nearest-rank method.

/** The `p`-th percentile of `sorted` (ascending), by nearest rank. */
export const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** p50 and p95 of `samples`, in their unit. */
export function summary(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
}

/**
 * GETs `url` and reads the whole body; the milliseconds that took, the response and its body.
 * A status other than 200 throws with the body, so that a failing route is not timed as fast.
 */
export async function timedGet(url: string, headers: Record<string, string>) {
  const started = performance.now();
  const res = await fetch(url, { headers });
  const body = Buffer.from(await res.arrayBuffer());
  const ms = performance.now() - started;
  if (res.status !== 200)
    throw new Error(
      `GET ${url} answered ${res.status}: ${body.toString().slice(0, 300)}`,
    );
  return { ms, res, body };
}
