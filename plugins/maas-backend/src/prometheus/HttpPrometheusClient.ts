import { PrometheusClient, PrometheusProbe } from './PrometheusClient';

/** {@link PrometheusClient} over Prometheus' HTTP API, every call bounded by a timeout. */
export class HttpPrometheusClient implements PrometheusClient {
  readonly url: string;
  readonly #timeoutMs: number;

  constructor(options: { url: string; timeoutMs: number }) {
    this.url = options.url;
    this.#timeoutMs = options.timeoutMs;
  }

  async probe(): Promise<PrometheusProbe> {
    try {
      const body = await this.#get<{ version?: string }>('/api/v1/status/buildinfo');
      return { reachable: true, version: body.version };
    } catch (error) {
      return { reachable: false, error: (error as Error).message };
    }
  }

  async #get<T>(path: string): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, {
        signal: AbortSignal.timeout(this.#timeoutMs),
        headers: { accept: 'application/json' },
      });
    } catch (error) {
      const e = error as Error & { cause?: { code?: string } };
      if (e.name === 'TimeoutError') {
        throw new Error(`Prometheus at ${this.url} did not answer within ${this.#timeoutMs} ms`);
      }
      throw new Error(`Prometheus at ${this.url} is unreachable (${e.cause?.code ?? e.message})`);
    }
    const body = (await response.json().catch(() => undefined)) as
      | { status: string; data?: T; error?: string }
      | undefined;
    if (!response.ok || !body || body.status !== 'success') {
      throw new Error(
        `Prometheus at ${this.url} answered ${response.status}: ${body?.error ?? response.statusText}`,
      );
    }
    return body.data as T;
  }
}
