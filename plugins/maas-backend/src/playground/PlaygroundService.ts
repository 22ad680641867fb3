import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, ServiceUnavailableError } from '@backstage/errors';
import {
  ModelQuota,
  ModelView,
  PlaygroundRefusal,
} from '@maas-portal/plugin-maas-common';
import http from 'node:http';
import https from 'node:https';
import { PlaygroundInput } from './readPlaygroundRequest';
import { explainRefusal } from './explainRefusal';

/** The one path the playground calls on a model's route: the caller cannot choose another. */
export const CHAT_COMPLETIONS_PATH = '/v1/chat/completions';
/** How long the gateway may take to start answering (headers) before the call is given up. */
export const FIRST_ANSWER_TIMEOUT_MS = 30_000;
/** How long a streamed answer may pause before it is cut off. */
export const STREAM_IDLE_TIMEOUT_MS = 30_000;
/** How much of a refusal's body is read. */
const REFUSAL_BODY_BYTES = 4096;

/** Where a playground call goes: the model's own route, reached directly or through `maas.gateway.url`. */
export interface PlaygroundTarget {
  /** The address connected to: the route's URL, or `maas.gateway.url`. */
  connectTo: URL;
  /** The route's host name, sent as the Host header. */
  host: string;
}

/**
 * The target of a playground call, from the model's own route only (its first host name, as the
 * examples show it): by default `<maas.scheme>://<hostname>`; with `maas.gateway.url`, that address
 * with the host name as the Host header. 409 when the model has no route on the gateway.
 */
export function playgroundTarget(
  model: Pick<ModelView, 'route' | 'modelName'>,
  options: { scheme: string; gatewayUrl?: string },
): PlaygroundTarget {
  const host = model.route?.found ? model.route.hostnames[0] : undefined;
  if (!host) {
    throw new ConflictError(
      `Model ${model.modelName} has no HTTPRoute with a host name on the gateway, so the playground has nowhere to send the call; see the model's Health card`,
    );
  }
  return {
    connectTo: new URL(options.gatewayUrl ?? `${options.scheme}://${host}`),
    host,
  };
}

/** The Authorization header the model's AuthPolicy expects, as the examples write it. */
function authorizationFor(
  authMode: ModelView['authMode'],
  credential: string,
): string | undefined {
  switch (authMode) {
    case 'api-key':
      return `APIKEY ${credential}`;
    case 'oidc':
      return `Bearer ${credential}`;
    case 'none':
      return undefined;
    default:
      throw new ConflictError(
        'The portal cannot tell how this model authenticates callers (no AuthPolicy it recognises on its route), so it does not know how to send your credential; see the model’s Health card',
      );
  }
}

/** What a playground call came to: the gateway's streamed (or plain) answer, or its refusal explained. */
export type PlaygroundOutcome =
  | { kind: 'answer'; upstream: http.IncomingMessage }
  | { kind: 'refused'; refusal: PlaygroundRefusal };

/**
 * Sends a chat completion through a model's gateway route, as the caller, with the credential they
 * pasted: never stored, never logged, never put in an error message. A refusal of the gateway comes
 * back explained in words; a 429 with the limit that ran out, read from the caller's quota.
 */
export class PlaygroundService {
  readonly #scheme: string;
  readonly #gatewayUrl?: string;
  readonly #logger: LoggerService;
  readonly #firstAnswerTimeoutMs: number;

  constructor(options: {
    /** `maas.scheme`. */
    scheme: string;
    /** `maas.gateway.url`. */
    gatewayUrl?: string;
    logger: LoggerService;
    firstAnswerTimeoutMs?: number;
  }) {
    this.#scheme = options.scheme;
    this.#gatewayUrl = options.gatewayUrl;
    this.#logger = options.logger;
    this.#firstAnswerTimeoutMs =
      options.firstAnswerTimeoutMs ?? FIRST_ANSWER_TIMEOUT_MS;
  }

  async call(options: {
    model: ModelView;
    input: PlaygroundInput;
    /** The caller's quota on the model, read only to explain a 429. */
    quota: () => Promise<ModelQuota>;
    /** Who calls, for the log line. */
    caller: string;
    /** Aborted when the browser goes away. */
    signal?: AbortSignal;
  }): Promise<PlaygroundOutcome> {
    const { model, input, caller } = options;
    const target = playgroundTarget(model, {
      scheme: this.#scheme,
      gatewayUrl: this.#gatewayUrl,
    });
    const authorization = authorizationFor(model.authMode, input.credential);
    const body = JSON.stringify({
      model: model.modelName,
      messages: input.messages,
      ...(input.maxTokens !== undefined ? { max_tokens: input.maxTokens } : {}),
      stream: true,
      stream_options: { include_usage: true },
    });
    const upstream = await this.#send(
      target,
      authorization,
      body,
      options.signal,
    );
    const status = upstream.statusCode ?? 0;
    this.#logger.info(
      `Playground: ${caller} called model ${model.modelName} through ${target.host}: the gateway answered ${status}`,
    );
    if (status >= 200 && status < 300) return { kind: 'answer', upstream };
    const upstreamBody = await readSome(upstream, REFUSAL_BODY_BYTES);
    let quota: ModelQuota | undefined;
    if (status === 429) {
      quota = await options.quota().catch(error => {
        this.#logger.warn(
          `Playground: the quota of ${caller} on ${model.modelName} could not be read to explain a 429: ${error}`,
        );
        return undefined;
      });
    }
    return {
      kind: 'refused',
      refusal: explainRefusal({
        status,
        upstreamBody,
        model,
        quota,
        tier: input.tier,
      }),
    };
  }

  /** One POST to the route; 503 naming the address when it cannot be reached or does not answer. */
  #send(
    target: PlaygroundTarget,
    authorization: string | undefined,
    body: string,
    signal?: AbortSignal,
  ): Promise<http.IncomingMessage> {
    const { connectTo, host } = target;
    const where = this.#gatewayUrl
      ? `the gateway at ${connectTo.origin} (maas.gateway.url) for ${host}`
      : `${connectTo.origin} (the model's route; set maas.gateway.url if the backend cannot resolve it)`;
    const client = connectTo.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = client.request({
        protocol: connectTo.protocol,
        hostname: connectTo.hostname,
        port: connectTo.port || undefined,
        // With maas.gateway.url, TLS is checked against the route's name, as the gateway's certificate names it.
        servername: this.#gatewayUrl ? host : undefined,
        method: 'POST',
        path: CHAT_COMPLETIONS_PATH,
        // One connection per call: no socket of a caller's call stays pooled after it.
        agent: false,
        headers: {
          Host: host,
          'Content-Type': 'application/json',
          Accept: 'text/event-stream, application/json',
          'Content-Length': Buffer.byteLength(body),
          ...(authorization ? { Authorization: authorization } : {}),
        },
        signal,
      });
      const timer = setTimeout(() => {
        req.destroy(
          new ServiceUnavailableError(
            `${where} did not answer within ${Math.round(
              this.#firstAnswerTimeoutMs / 1000,
            )} s; try again, or check the gateway`,
          ),
        );
      }, this.#firstAnswerTimeoutMs);
      req.on('response', res => {
        clearTimeout(timer);
        resolve(res);
      });
      req.on('error', error => {
        clearTimeout(timer);
        if (error instanceof ServiceUnavailableError) reject(error);
        else
          reject(
            new ServiceUnavailableError(
              `Could not reach ${where}: ${
                (error as NodeJS.ErrnoException).code ?? error.message
              }`,
            ),
          );
      });
      req.end(body);
    });
  }
}

/** The first `max` bytes of a body, as text; the rest is drained. */
function readSome(res: http.IncomingMessage, max: number): Promise<string> {
  return new Promise(resolve => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      if (size < max) chunks.push(chunk);
      size += chunk.length;
    });
    res.on('end', () =>
      resolve(Buffer.concat(chunks).subarray(0, max).toString('utf8')),
    );
    res.on('error', () =>
      resolve(Buffer.concat(chunks).subarray(0, max).toString('utf8')),
    );
  });
}
