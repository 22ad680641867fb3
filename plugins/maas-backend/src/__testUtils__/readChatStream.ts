/** What an OpenAI chat completion stream (Server-Sent Events) says: the text, the last usage block, and how many chunks. */
export function readChatStream(text: string) {
  const events = text
    .split('\n')
    .filter(l => l.startsWith('data: '))
    .map(l => l.slice('data: '.length).trim());
  const chunks = events.filter(e => e !== '[DONE]').map(e => JSON.parse(e));
  return {
    done: events.includes('[DONE]'),
    chunks: chunks.length,
    content: chunks.map(c => c.choices?.[0]?.delta?.content ?? '').join(''),
    usage: chunks.filter(c => c.usage).pop()?.usage as
      | {
          prompt_tokens: number;
          completion_tokens: number;
          total_tokens: number;
        }
      | undefined,
  };
}
