/* The harness Prometheus read directly by tests: what it holds, to compare the portal's figures with. */
import { harnessEnv } from './harnessEnv.ts';

/** One instant query's answer from the harness Prometheus: each series' labels and value. */
export async function promVector(
  query: string,
): Promise<Array<{ labels: Record<string, string>; value: number }>> {
  const res = await fetch(
    `${harnessEnv(
      'MAAS_HARNESS_PROMETHEUS_URL',
    )}/api/v1/query?query=${encodeURIComponent(query)}`,
  );
  const body = (await res.json()) as any;
  if (body.status !== 'success')
    throw new Error(`Prometheus ${query}: ${JSON.stringify(body)}`);
  return body.data.result.map((r: any) => ({
    labels: r.metric,
    value: Number(r.value[1]),
  }));
}

/** One number from the harness Prometheus (0 when the query has no answer). */
export async function promNumber(query: string): Promise<number> {
  return (await promVector(query))[0]?.value ?? 0;
}
