import { InputError } from '@backstage/errors';
import {
  PLAYGROUND_MAX_CHARACTERS,
  PLAYGROUND_MAX_TOKENS,
  PlaygroundMessage,
} from '@maas-portal/plugin-maas-common';

/** A playground request, checked. */
export interface PlaygroundInput {
  messages: PlaygroundMessage[];
  maxTokens?: number;
  credential: string;
  tier?: string;
}

const ROLES: PlaygroundMessage['role'][] = ['system', 'user', 'assistant'];
const MAX_MESSAGES = 50;
/** A key or a JWT: printable ASCII without spaces, so it cannot break out of the header. */
const CREDENTIAL = /^[\x21-\x7e]{1,8192}$/;

/**
 * The body of `POST /models/by-entity/playground`, checked; a clear 400 for each bad field. The
 * credential's value is never repeated in an error, only what is wrong with it. There is no field
 * for a host, a path or a model name: the call goes to the model's own route.
 */
export function readPlaygroundRequest(
  body: unknown,
  options: { credentialRequired: boolean },
): PlaygroundInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new InputError(
      'The body must be a JSON object with messages and credential',
    );
  const b = body as Record<string, unknown>;
  const unknownFields = Object.keys(b).filter(
    k => !['messages', 'maxTokens', 'credential', 'tier'].includes(k),
  );
  if (unknownFields.length > 0)
    throw new InputError(
      `Unknown field(s) ${unknownFields.join(
        ', ',
      )}: a playground call takes messages, maxTokens, credential and tier only (it always goes to the model's own route)`,
    );
  const { messages, maxTokens, credential, tier } = b;
  if (
    !Array.isArray(messages) ||
    messages.length === 0 ||
    messages.length > MAX_MESSAGES
  )
    throw new InputError(
      `messages must be a list of 1 to ${MAX_MESSAGES} messages`,
    );
  let characters = 0;
  messages.forEach((m, i) => {
    if (
      typeof m !== 'object' ||
      m === null ||
      !ROLES.includes((m as PlaygroundMessage).role) ||
      typeof (m as PlaygroundMessage).content !== 'string'
    )
      throw new InputError(
        `messages[${i}] must be {role: ${ROLES.join(' | ')}, content: string}`,
      );
    characters += (m as PlaygroundMessage).content.length;
  });
  if (characters > PLAYGROUND_MAX_CHARACTERS)
    throw new InputError(
      `The messages hold ${characters} characters; a playground call takes at most ${PLAYGROUND_MAX_CHARACTERS}`,
    );
  if (
    maxTokens !== undefined &&
    (!Number.isInteger(maxTokens) ||
      (maxTokens as number) < 1 ||
      (maxTokens as number) > PLAYGROUND_MAX_TOKENS)
  )
    throw new InputError(
      `maxTokens must be a whole number from 1 to ${PLAYGROUND_MAX_TOKENS}`,
    );
  if (tier !== undefined && (typeof tier !== 'string' || tier.length > 100))
    throw new InputError('tier must be a tier name');
  if (credential === undefined || credential === '') {
    if (options.credentialRequired)
      throw new InputError(
        'credential is missing: paste your API key (or, for an OpenID Connect model, your access token)',
      );
  } else if (typeof credential !== 'string' || !CREDENTIAL.test(credential)) {
    throw new InputError(
      'credential must be the key or token alone: printable characters without spaces or line breaks, at most 8192 (without "APIKEY " or "Bearer ")',
    );
  }
  return {
    messages: (messages as PlaygroundMessage[]).map(({ role, content }) => ({
      role,
      content,
    })),
    maxTokens: maxTokens as number | undefined,
    credential: (credential as string | undefined) ?? '',
    tier: tier as string | undefined,
  };
}
