import {
  InstantSample,
  PrometheusClient,
  PrometheusError,
  PrometheusProbe,
  RangeSeries,
} from './PrometheusClient';

interface CacheEntry {
  expires: number;
  value: Promise<unknown>;
}

const MAX_CACHE_ENTRIES = 2000;

/**
 * {@link PrometheusClient} over Prometheus' HTTP API. Every call is bounded by a timeout, and
 * answers are reused for `cacheTtlSeconds` (same query, same times), so that many page loads make
 * one query.
 */
export class HttpPrometheusClient implements PrometheusClient {
  readonly url: string;
  readonly #timeoutMs: number;
  readonly #cacheTtlMs: number;
  readonly #cache = new Map<string, CacheEntry>();

  constructor(options: {
    url: string;
    timeoutMs: number;
    cacheTtlSeconds?: number;
  }) {
    this.url = options.url;
    this.#timeoutMs = options.timeoutMs;
    this.#cacheTtlMs = (options.cacheTtlSeconds ?? 0) * 1000;
  }

  async probe(): Promise<PrometheusProbe> {
    try {
      const body = await this.#get<{ version?: string }>(
        '/api/v1/status/buildinfo',
        new URLSearchParams(),
      );
      return { reachable: true, version: body.version };
    } catch (error) {
      return { reachable: false, error: (error as Error).message };
    }
  }

  async query(promql: string, time: number): Promise<InstantSample[]> {
    const data = await this.#cached<{
      resultType: string;
      result: Array<{
        metric: Record<string, string>;
        value: [number, string];
      }>;
    }>(
      '/api/v1/query',
      new URLSearchParams({ query: promql, time: String(time) }),
    );
    return data.result.map(r => ({
      metric: r.metric,
      value: Number(r.value[1]),
    }));
  }

  async queryRange(
    promql: string,
    range: { start: number; end: number; step: number },
  ): Promise<RangeSeries[]> {
    const data = await this.#cached<{
      result: Array<{
        metric: Record<string, string>;
        values: Array<[number, string]>;
      }>;
    }>(
      '/api/v1/query_range',
      new URLSearchParams({
        query: promql,
        start: String(range.start),
        end: String(range.end),
        step: String(range.step),
      }),
    );
    return data.result.map(r => ({
      metric: r.metric,
      points: r.values.map(([t, v]) => [t, Number(v)] as [number, number]),
    }));
  }

  #cached<T>(path: string, params: URLSearchParams): Promise<T> {
    if (this.#cacheTtlMs <= 0) return this.#get<T>(path, params);
    const key = `${path}?${params}`;
    const now = Date.now();
    const hit = this.#cache.get(key);
    if (hit && hit.expires > now) return hit.value as Promise<T>;
    if (this.#cache.size >= MAX_CACHE_ENTRIES) {
      for (const [k, entry] of this.#cache)
        if (entry.expires <= now || this.#cache.size >= MAX_CACHE_ENTRIES)
          this.#cache.delete(k);
    }
    const value = this.#get<T>(path, params);
    this.#cache.set(key, { expires: now + this.#cacheTtlMs, value });
    // A failure is not worth remembering: the next page load asks again.
    value.catch(() => this.#cache.delete(key));
    return value;
  }

  async #get<T>(path: string, params: URLSearchParams): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}?${params}`, {
        signal: AbortSignal.timeout(this.#timeoutMs),
        headers: { accept: 'application/json' },
      });
    } catch (error) {
      const e = error as Error & { cause?: { code?: string } };
      if (e.name === 'TimeoutError') {
        throw new PrometheusError(
          `Prometheus at ${this.url} did not answer within ${
            this.#timeoutMs
          } ms`,
        );
      }
      throw new PrometheusError(
        `Prometheus at ${this.url} is unreachable (${
          e.cause?.code ?? e.message
        })`,
      );
    }
    const body = (await response.json().catch(() => undefined)) as
      | { status: string; data?: T; error?: string }
      | undefined;
    if (!response.ok || !body || body.status !== 'success') {
      throw new PrometheusError(
        `Prometheus at ${this.url} answered ${response.status}: ${
          body?.error ?? response.statusText
        }`,
      );
    }
    return body.data as T;
  }
}
