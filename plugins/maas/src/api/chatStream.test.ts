import { readChatStream } from './chatStream';

/** A response body that sends `events` as they would come over the wire, one read each. */
function body(events: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const event of events) controller.enqueue(encoder.encode(event));
      controller.close();
    },
  });
}

const chunk = (content: string) =>
  `data: ${JSON.stringify({ choices: [{ delta: { content } }] })}\n\n`;

describe('readChatStream', () => {
  it('reads the answer as it comes and the usage of the last chunk', async () => {
    const seen: string[] = [];
    const result = await readChatStream(
      body([
        chunk('Hello'),
        chunk(' there'),
        `data: ${JSON.stringify({
          choices: [],
          usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
        })}\n\ndata: [DONE]\n\n`,
      ]),
      soFar => seen.push(soFar),
    );
    expect(seen).toEqual(['Hello', 'Hello there']);
    expect(result).toEqual({
      content: 'Hello there',
      usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
      error: undefined,
    });
  });

  it("ends with the model's own error chunk, sent after its 200, as vLLM and its simulator send it", async () => {
    // llm-d-inference-sim's answer when the prompt and max_tokens exceed its context.
    const message =
      "This model's maximum context length is 1024 tokens. However, you requested 1030 tokens (6 in the messages, 1024 in the completion). Please reduce the length of the messages or completion";
    const result = await readChatStream(
      body([
        chunk('Once'),
        `data: ${JSON.stringify({
          error: { message, type: 'BadRequestError', code: 400 },
        })}\n\n`,
        'data: [DONE]\n\n',
      ]),
      () => {},
    );
    expect(result.content).toBe('Once');
    expect(result.error).toBe(`The model answered with an error: ${message}`);
  });

  it("ends with the backend's own error event (the model paused too long)", async () => {
    const result = await readChatStream(
      body([
        chunk('Once'),
        `event: error\ndata: ${JSON.stringify({
          message: 'The model sent nothing for 30 s; the answer was cut off',
        })}\n\n`,
      ]),
      () => {},
    );
    expect(result).toEqual({
      content: 'Once',
      usage: undefined,
      error: 'The model sent nothing for 30 s; the answer was cut off',
    });
  });
});
