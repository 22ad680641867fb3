import { PlaygroundRefusal } from '@maas-portal/plugin-maas-common';

/**
 * The tokens a chat completion used, as OpenAI's `usage` block reports them.
 *
 * @public
 */
export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/**
 * What a playground call came to: the gateway's status; the answer (as far as it came) and its
 * usage on a 2xx; the gateway's refusal, explained, otherwise; `error` when the stream broke off.
 *
 * @public
 */
export interface PlaygroundResult {
  status: number;
  content: string;
  usage?: ChatUsage;
  refusal?: PlaygroundRefusal;
  /** Why the answer stopped before its end (the model paused too long, the connection broke). */
  error?: string;
  /** Whether the answer came as a stream (Server-Sent Events) or in one piece. */
  streamed: boolean;
}

interface Chunk {
  choices?: Array<{
    delta?: { content?: string | null };
    message?: { content?: string | null };
  }>;
  usage?: ChatUsage | null;
  /** The model's own error after its 200 (vLLM and its simulator: `data: {"error": {...}}`). */
  error?: { message?: string } | string;
}

/**
 * Reads an OpenAI chat completion stream (Server-Sent Events: `data: {chunk}` per event, the last
 * chunk with `usage` when `stream_options.include_usage` was asked, then `data: [DONE]`) as it
 * comes, calling `onContent` with the answer so far after each chunk. An `event: error` (the
 * backend's, when the model pauses too long or the connection breaks) ends it with `error`, as does
 * the model's own error chunk (vLLM sends one, with status 200 already sent, e.g. when the prompt
 * and max_tokens exceed its context).
 */
export async function readChatStream(
  body: ReadableStream<Uint8Array>,
  onContent: (soFar: string) => void,
): Promise<Pick<PlaygroundResult, 'content' | 'usage' | 'error'>> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let content = '';
  let usage: ChatUsage | undefined;
  let error: string | undefined;
  const handle = (event: string) => {
    const lines = event.split('\n');
    const type = lines
      .find(l => l.startsWith('event:'))
      ?.slice('event:'.length)
      .trim();
    const data = lines
      .filter(l => l.startsWith('data:'))
      .map(l => l.slice('data:'.length).trim())
      .join('\n');
    if (!data || data === '[DONE]') return;
    let parsed: (Chunk & { message?: string }) | undefined;
    try {
      parsed = JSON.parse(data);
    } catch {
      return;
    }
    if (type === 'error') {
      error = parsed?.message ?? 'The answer broke off';
      return;
    }
    if (parsed?.error) {
      const said =
        typeof parsed.error === 'string' ? parsed.error : parsed.error.message;
      error = `The model answered with an error: ${
        said ?? JSON.stringify(parsed.error)
      }`;
      return;
    }
    const piece = parsed?.choices?.[0]?.delta?.content;
    if (piece) {
      content += piece;
      onContent(content);
    }
    if (parsed?.usage) usage = parsed.usage;
  };
  for (;;) {
    const { done, value } = await reader.read();
    if (value) buffer += decoder.decode(value, { stream: true });
    buffer = buffer.replace(/\r\n/g, '\n');
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      handle(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
    }
    if (done) break;
  }
  if (buffer.trim()) handle(buffer);
  return { content, usage, error };
}

/** A completion that came in one piece (the model did not stream). */
export function readChatCompletion(
  json: Chunk,
): Pick<PlaygroundResult, 'content' | 'usage'> {
  return {
    content: json.choices?.[0]?.message?.content ?? '',
    usage: json.usage ?? undefined,
  };
}
