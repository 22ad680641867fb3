/* llm-d-inference-sim as the harness runs it: an OpenAI-compatible endpoint that counts tokens. */
import { harnessEnv } from '../testing/harnessEnv.ts';

describe('the inference simulator', () => {
  const url = harnessEnv('MAAS_HARNESS_SIMULATOR_URL');
  const model = harnessEnv('MAAS_HARNESS_SIMULATOR_MODEL');

  it('lists the model it serves', async () => {
    const res = await fetch(`${url}/v1/models`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.data.map((m: { id: string }) => m.id)).toContain(model);
  });

  it('answers POST /v1/chat/completions with a usage block', async () => {
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        model,
        messages: [{ role: 'user', content: 'How many tokens is this?' }],
        max_tokens: 16,
      }),
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.model).toBe(model);
    expect(body.choices[0].message.content).toEqual(expect.any(String));
    const { prompt_tokens, completion_tokens, total_tokens } = body.usage;
    expect(prompt_tokens).toBeGreaterThan(0);
    expect(completion_tokens).toBeGreaterThan(0);
    expect(completion_tokens).toBeLessThanOrEqual(16);
    expect(total_tokens).toBe(prompt_tokens + completion_tokens);
  });

  it('refuses a model it does not serve', async () => {
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        model: 'no-such-model',
        messages: [{ role: 'user', content: 'hello' }],
      }),
    });
    expect(res.status).toBe(404);
  });
});
