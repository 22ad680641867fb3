import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ModelQuota, PlaygroundRefusal } from '@maas-portal/plugin-maas-common';
import { MaasClient } from '../../api/MaasClient';
import { apiKey, entityRef } from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { PlaygroundCard } from './PlaygroundCard';

const BASE = 'http://localhost:7007/api/maas';
const KEY = 'maas_playgroundTestValue123';

function quota(remaining: number): ModelQuota {
  return {
    source: 'limitador',
    userId: 'alice',
    tiers: [
      {
        tier: 'free',
        requests: {
          limitName: 'free-user-requests',
          limit: 5,
          window: '2m',
          windowSeconds: 120,
          remaining,
          resetsInSeconds: 74,
        },
        tokens: null,
      },
    ],
    warnings: [],
  };
}

/**
 * A response body the test feeds chunk by chunk: the backend's stream is the edge of this unit test
 * (the real one is playground.cluster.test.ts and the browser test's), so what the card shows while
 * the answer is still coming can be checked.
 */
function controlledBody() {
  const encoder = new TextEncoder();
  const queue: Array<(r: { done: boolean; value?: Uint8Array }) => void> = [];
  const rejectWaiting: Array<(e: Error) => void> = [];
  let failure: Error | undefined;
  const pending: Array<{ done: boolean; value?: Uint8Array }> = [];
  const push = (r: { done: boolean; value?: Uint8Array }) => {
    const waiting = queue.shift();
    rejectWaiting.shift();
    if (waiting) waiting(r);
    else pending.push(r);
  };
  return {
    body: {
      getReader: () => ({
        read: () => {
          if (failure) return Promise.reject(failure);
          if (pending.length) return Promise.resolve(pending.shift()!);
          return new Promise((resolve, reject) => {
            queue.push(resolve);
            rejectWaiting.push(reject);
          });
        },
      }),
    },
    send: (text: string) => push({ done: false, value: encoder.encode(text) }),
    end: () => push({ done: true }),
    /** The next read fails with `error`, as a read of an aborted fetch's body does. */
    fail: (error: Error) => {
      failure = error;
      queue.splice(0);
      rejectWaiting.splice(0).forEach(r => r(error));
    },
  };
}

const chunk = (content: string) =>
  `data: ${JSON.stringify({ choices: [{ delta: { content } }] })}\n\n`;

/** The real client over a fetch that answers as the backend would. */
function clientAnswering(answer: () => unknown) {
  const fetch = jest.fn(async (_url: string, _init?: RequestInit) => answer());
  const client = new MaasClient({
    discoveryApi: { getBaseUrl: async () => BASE },
    fetchApi: { fetch: fetch as any },
  });
  return { client, fetch };
}

async function fillAndSend() {
  fireEvent.mouseDown(await screen.findByLabelText('Your key'));
  fireEvent.click(
    await screen.findByRole('option', { name: 'maas_k3Fz (free)' }),
  );
  fireEvent.change(screen.getByLabelText('Key value to send'), {
    target: { value: KEY },
  });
  fireEvent.change(screen.getByLabelText('Prompt'), {
    target: { value: 'Say hello' },
  });
  fireEvent.click(screen.getByRole('button', { name: 'Send' }));
}

describe('PlaygroundCard', () => {
  it('shows the answer as it streams, then the tokens it used, the status and the quota after the call; the key goes in the body only', async () => {
    const stream = controlledBody();
    const { client, fetch } = clientAnswering(() => ({
      ok: true,
      status: 200,
      headers: { get: () => 'text/event-stream' },
      body: stream.body,
    }));
    let quotaReads = 0;
    const onCalled = jest.fn();
    await renderWithApis(
      <PlaygroundCard
        entityRef={entityRef}
        model={{ authMode: 'api-key', modelName: 'qwen3' }}
        onCalled={onCalled}
      />,
      {
        listKeys: async () => [apiKey()],
        getModelQuota: async () => quota(5 - quotaReads++),
        sendPlayground: (...args) => client.sendPlayground(...args),
      },
    );
    expect(screen.getByLabelText('Key value to send')).toHaveAttribute(
      'type',
      'password',
    );
    await fillAndSend();
    stream.send(chunk('Hel'));
    // The first piece shows while the rest is still coming.
    await waitFor(() =>
      expect(screen.getByLabelText('Answer')).toHaveTextContent(/^Hel$/),
    );
    expect(screen.queryByLabelText('Tokens used')).not.toBeInTheDocument();
    expect(onCalled).not.toHaveBeenCalled();
    stream.send(chunk('lo there'));
    stream.send(
      `data: ${JSON.stringify({
        choices: [],
        usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 },
      })}\n\ndata: [DONE]\n\n`,
    );
    stream.end();
    expect(await screen.findByLabelText('Tokens used')).toHaveTextContent(
      'Tokens used: 9 prompt + 3 completion = 12 tokens',
    );
    expect(screen.getByLabelText('Answer')).toHaveTextContent(/^Hello there$/);
    expect(screen.getByLabelText('Gateway status')).toHaveTextContent(
      'Status 200: answered, streamed',
    );
    const after = await screen.findByLabelText('Quota after the call');
    expect(
      await within(after).findByText(
        /Requests: 4 of 5 requests left in this 2 m window/,
      ),
    ).toBeInTheDocument();

    // The page's Quota card is told to read again, once.
    expect(onCalled).toHaveBeenCalledTimes(1);
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe(
      `${BASE}/models/by-entity/playground?entityRef=resource%3Adefault%2Fqwen3`,
    );
    expect(url).not.toContain(KEY);
    expect(JSON.parse(init!.body as string)).toEqual({
      messages: [{ role: 'user', content: 'Say hello' }],
      maxTokens: 64,
      credential: KEY,
      tier: 'free',
    });
    expect(JSON.stringify({ ...window.localStorage })).not.toContain(KEY);
    expect(JSON.stringify({ ...window.sessionStorage })).not.toContain(KEY);
  });

  it("shows a 429 with the gateway's status, which limit and when it resets", async () => {
    const refusal: PlaygroundRefusal = {
      source: 'gateway',
      status: 429,
      title: 'Rate limit reached (429): the gateway refused the call',
      explanation:
        'free tier: 5 requests per 2m, all used in this window; resets in about 74 s.',
      quota: quota(0).tiers[0],
    };
    const { client } = clientAnswering(() => ({
      ok: false,
      status: 429,
      headers: { get: () => 'application/json' },
      clone: () => ({ json: async () => refusal }),
    }));
    await renderWithApis(
      <PlaygroundCard
        entityRef={entityRef}
        model={{ authMode: 'api-key', modelName: 'qwen3' }}
      />,
      {
        listKeys: async () => [apiKey()],
        getModelQuota: async () => quota(0),
        sendPlayground: (...args) => client.sendPlayground(...args),
      },
    );
    await fillAndSend();
    const why = await screen.findByLabelText('Why the gateway refused');
    expect(why).toHaveTextContent(
      'Rate limit reached (429): the gateway refused the call',
    );
    expect(why).toHaveTextContent(
      'free tier: 5 requests per 2m, all used in this window; resets in about 74 s.',
    );
    expect(screen.getByLabelText('Gateway status')).toHaveTextContent(
      /^Status 429: /,
    );
    expect(screen.queryByLabelText('Answer')).not.toBeInTheDocument();
    expect(
      await within(
        await screen.findByLabelText('Quota after the call'),
      ).findByText(/Requests: 0 of 5 requests left/),
    ).toBeInTheDocument();
  });

  it('asks an OpenID Connect model for an access token, and Send waits for it', async () => {
    await renderWithApis(
      <PlaygroundCard
        entityRef={entityRef}
        model={{ authMode: 'oidc', modelName: 'qwen3' }}
      />,
      {
        listKeys: async () => [],
        getModelQuota: async () => quota(5),
        sendPlayground: jest.fn(),
      },
    );
    expect(screen.queryByLabelText('Your key')).not.toBeInTheDocument();
    expect(screen.getByLabelText('Access token')).toHaveAttribute(
      'type',
      'password',
    );
    expect(screen.getByRole('button', { name: 'Send' })).toBeDisabled();
    fireEvent.change(screen.getByLabelText('Access token'), {
      target: { value: 'eyJhbGciOi.token' },
    });
    expect(screen.getByRole('button', { name: 'Send' })).toBeEnabled();
  });

  it('stops a streaming answer with Stop: the fetch is aborted, the answer so far stays, no error shows', async () => {
    const stream = controlledBody();
    let sentSignal: AbortSignal | undefined;
    const { client } = clientAnswering(() => ({
      ok: true,
      status: 200,
      headers: { get: () => 'text/event-stream' },
      body: stream.body,
    }));
    const onCalled = jest.fn();
    await renderWithApis(
      <PlaygroundCard
        entityRef={entityRef}
        model={{ authMode: 'api-key', modelName: 'qwen3' }}
        onCalled={onCalled}
      />,
      {
        listKeys: async () => [apiKey()],
        getModelQuota: async () => quota(4),
        sendPlayground: (entity, request, onContent, signal) => {
          sentSignal = signal;
          // As a browser's fetch does, the body's read fails once the signal is aborted.
          signal?.addEventListener('abort', () =>
            stream.fail(
              new DOMException('The user aborted a request.', 'AbortError'),
            ),
          );
          return client.sendPlayground(entity, request, onContent, signal);
        },
      },
    );
    expect(
      screen.queryByRole('button', { name: 'Stop' }),
    ).not.toBeInTheDocument();
    await fillAndSend();
    stream.send(chunk('Hel'));
    await waitFor(() =>
      expect(screen.getByLabelText('Answer')).toHaveTextContent(/^Hel$/),
    );
    expect(sentSignal?.aborted).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: 'Stop' }));
    expect(await screen.findByLabelText('Stopped')).toHaveTextContent(
      'Stopped: the answer above is what the model sent until then.',
    );
    expect(sentSignal?.aborted).toBe(true);
    expect(screen.getByLabelText('Answer')).toHaveTextContent(/^Hel$/);
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Stop' }),
    ).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Send' })).toBeEnabled();
    // The call was counted: the page's quota figures are read again.
    expect(onCalled).toHaveBeenCalledTimes(1);
  });
});
