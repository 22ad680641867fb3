import { ServiceUnavailableError } from '@backstage/errors';

/**
 * One counter as Limitador's HTTP API lists it (`GET /counters/{namespace}`; the `Counter`
 * definition of Limitador's `limitador-server/docs/http_server_spec.json`): the limit it counts
 * for, the values of the limit's variables (e.g. the user id), what is left and when it resets.
 */
export interface LimitadorCounter {
  limit: {
    namespace: string;
    max_value: number;
    seconds: number;
    conditions: string[];
    variables: string[];
    /** The limit's name; Limitador answers null for a limit without one (kuadrant-operator writes none). */
    name?: string | null;
  };
  set_variables: Record<string, string>;
  remaining?: number;
  expires_in_seconds?: number;
}

/** The suite's only door to Limitador's HTTP API. */
export interface LimitadorClient {
  /** The counters of one Limitador namespace (`<route namespace>/<route name>`). */
  counters(namespace: string): Promise<LimitadorCounter[]>;
  /** The limits Limitador enforces in one namespace (`GET /limits/{namespace}`). */
  limits(namespace: string): Promise<LimitadorCounter['limit'][]>;
}

function isLimit(value: unknown): value is LimitadorCounter['limit'] {
  const l = value as LimitadorCounter['limit'];
  return (
    typeof l === 'object' &&
    l !== null &&
    typeof l.max_value === 'number' &&
    typeof l.seconds === 'number' &&
    Array.isArray(l.conditions) &&
    Array.isArray(l.variables)
  );
}

function isCounter(value: unknown): value is LimitadorCounter {
  const c = value as LimitadorCounter;
  return (
    typeof c === 'object' &&
    c !== null &&
    typeof c.limit === 'object' &&
    c.limit !== null &&
    typeof c.limit.max_value === 'number' &&
    typeof c.limit.seconds === 'number' &&
    Array.isArray(c.limit.conditions) &&
    Array.isArray(c.limit.variables) &&
    typeof c.set_variables === 'object' &&
    c.set_variables !== null
  );
}

/** {@link LimitadorClient} over HTTP; every call bounded by a timeout. */
export class HttpLimitadorClient implements LimitadorClient {
  readonly url: string;
  readonly #timeoutMs: number;

  constructor(options: { url: string; timeoutMs: number }) {
    this.url = options.url.replace(/\/+$/, '');
    this.#timeoutMs = options.timeoutMs;
  }

  async counters(namespace: string): Promise<LimitadorCounter[]> {
    return this.#get(
      'counters',
      namespace,
      (body): body is LimitadorCounter[] =>
        Array.isArray(body) && body.every(isCounter),
      'a list of counters',
    );
  }

  async limits(namespace: string): Promise<LimitadorCounter['limit'][]> {
    return this.#get(
      'limits',
      namespace,
      (body): body is LimitadorCounter['limit'][] =>
        Array.isArray(body) && body.every(isLimit),
      'a list of limits',
    );
  }

  /** `GET /<what>/<namespace>`, its answer checked to be `expected` (one home of the errors). */
  async #get<T>(
    what: 'counters' | 'limits',
    namespace: string,
    valid: (body: unknown) => body is T,
    expected: string,
  ): Promise<T> {
    const where = 'Limitador (maas.limitador.url)';
    let response: Response;
    try {
      response = await fetch(
        `${this.url}/${what}/${encodeURIComponent(namespace)}`,
        {
          signal: AbortSignal.timeout(this.#timeoutMs),
          headers: { accept: 'application/json' },
        },
      );
    } catch (error) {
      const e = error as Error & { cause?: { code?: string } };
      throw new ServiceUnavailableError(
        e.name === 'TimeoutError'
          ? `${where} did not answer within ${this.#timeoutMs} ms`
          : `${where} is unreachable (${e.cause?.code ?? e.message})`,
      );
    }
    const body = await response.json().catch(() => undefined);
    if (!response.ok) {
      throw new ServiceUnavailableError(
        `${where} answered ${response.status} ${response.statusText} for the ${what} of ${namespace}`,
      );
    }
    if (!valid(body)) {
      throw new ServiceUnavailableError(
        `${where} answered something other than ${expected} for ${namespace}; is maas.limitador.url Limitador's HTTP port (8080)?`,
      );
    }
    return body;
  }
}
