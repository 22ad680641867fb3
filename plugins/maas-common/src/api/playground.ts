import { TierQuota } from './quota';

/**
 * One message of a chat completion, as OpenAI's API takes it.
 *
 * @public
 */
export interface PlaygroundMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** The most tokens a playground call may ask the model for (`max_tokens`). @public */
export const PLAYGROUND_MAX_TOKENS = 1024;

/** The most characters of all messages of one playground call together. @public */
export const PLAYGROUND_MAX_CHARACTERS = 20_000;

/**
 * `POST /models/by-entity/playground`: a chat completion sent through the model's own gateway
 * route. The credential is forwarded once and never stored or logged.
 *
 * @public
 */
export interface PlaygroundRequest {
  messages: PlaygroundMessage[];
  /** 1 to PLAYGROUND_MAX_TOKENS; the model's default when absent. */
  maxTokens?: number;
  /** An API key value (API-key models) or an OIDC access token (OIDC models), without a scheme. */
  credential: string;
  /** The tier of the key the caller picked, to explain a 429 by that tier's limits. */
  tier?: string;
}

/**
 * What the playground answers when the gateway (or the model behind it) refused the call: the
 * gateway's own status, and what it means in words.
 *
 * @public
 */
export interface PlaygroundRefusal {
  /** Always `gateway`: the status is the gateway's, not the portal's. */
  source: 'gateway';
  status: number;
  /** One line: what refused the call. */
  title: string;
  /** What it means and what to do; for a 429, which limit and when it resets. */
  explanation: string;
  /** For a 429: the caller's quota on the tier that ran out, as the Quota card reads it. */
  quota?: TierQuota;
  /** The start of the gateway's own answer body, for the curious (no credential is in it). */
  upstreamBody?: string;
}
