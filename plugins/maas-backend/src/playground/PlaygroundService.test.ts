import { mockServices } from '@backstage/backend-test-utils';
import { ConflictError, ServiceUnavailableError } from '@backstage/errors';
import { ModelQuota, ModelView } from '@maas-portal/plugin-maas-common';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { PlaygroundService } from './PlaygroundService';

/*
 * The playground's call against small local HTTP servers standing in for the gateway (the real gateway is
 * playground.cluster.test.ts's): what is sent where, and the answers for a gateway that cannot be reached,
 * does not answer, refuses or fails.
 */

const KEY = 'maas_unitTestKeyValue42';

const model = (overrides: Partial<ModelView> = {}): ModelView =>
  ({
    modelName: 'qwen3',
    authMode: 'api-key',
    route: {
      namespace: 'llm',
      name: 'qwen3-route',
      found: true,
      hostnames: ['qwen3.maas.local'],
    },
    ...overrides,
  } as ModelView);

const input = {
  messages: [{ role: 'user' as const, content: 'Hello' }],
  maxTokens: 8,
  credential: KEY,
  tier: 'free',
};

const noQuota = async (): Promise<ModelQuota> => {
  throw new Error('not asked in this test');
};

interface Seen {
  method?: string;
  url?: string;
  headers: http.IncomingHttpHeaders;
  body: any;
}

/** A server answering every request with `answer`; what it received is in `seen`. */
async function gateway(
  answer: (res: http.ServerResponse) => void,
): Promise<{ url: string; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', c => (body += c));
    req.on('end', () => {
      seen.push({
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: JSON.parse(body),
      });
      answer(res);
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise(r => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const service = (gatewayUrl?: string, firstAnswerTimeoutMs?: number) =>
  new PlaygroundService({
    scheme: 'http',
    gatewayUrl,
    logger: mockServices.logger.mock(),
    firstAnswerTimeoutMs,
  });

describe('PlaygroundService', () => {
  it("sends the chat completion to the model's own route only: its host, /v1/chat/completions, the key as APIKEY, streaming with usage", async () => {
    const gw = await gateway(res => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.end('data: [DONE]\n\n');
    });
    try {
      const outcome = await service(gw.url).call({
        model: model(),
        input,
        quota: noQuota,
        caller: 'user:default/jane',
      });
      expect(outcome.kind).toBe('answer');
      if (outcome.kind === 'answer') outcome.upstream.resume();
      expect(gw.seen).toEqual([
        {
          method: 'POST',
          url: '/v1/chat/completions',
          headers: expect.objectContaining({
            host: 'qwen3.maas.local',
            authorization: `APIKEY ${KEY}`,
          }),
          body: {
            model: 'qwen3',
            messages: [{ role: 'user', content: 'Hello' }],
            max_tokens: 8,
            stream: true,
            stream_options: { include_usage: true },
          },
        },
      ]);
    } finally {
      await gw.close();
    }
  });

  it('sends an OIDC token as Bearer', async () => {
    const gw = await gateway(res => res.writeHead(200).end('{}'));
    try {
      const outcome = await service(gw.url).call({
        model: model({ authMode: 'oidc' }),
        input: { ...input, credential: 'eyJ.token' },
        quota: noQuota,
        caller: 'user:default/jane',
      });
      if (outcome.kind === 'answer') outcome.upstream.resume();
      expect(gw.seen[0].headers.authorization).toBe('Bearer eyJ.token');
    } finally {
      await gw.close();
    }
  });

  it('says which gateway address could not be reached, with a 503 and not the key', async () => {
    const gw = await gateway(res => res.end());
    await gw.close();
    const call = service(gw.url).call({
      model: model(),
      input,
      quota: noQuota,
      caller: 'user:default/jane',
    });
    await expect(call).rejects.toThrow(ServiceUnavailableError);
    await expect(call).rejects.toThrow(
      `Could not reach the gateway at ${gw.url} (maas.gateway.url) for qwen3.maas.local: ECONNREFUSED`,
    );
    await expect(call).rejects.not.toThrow(KEY);
  });

  it('gives up on a gateway that does not answer, with a 503 saying so', async () => {
    const gw = await gateway(() => {
      // Never answers.
    });
    try {
      await expect(
        service(gw.url, 1000).call({
          model: model(),
          input,
          quota: noQuota,
          caller: 'user:default/jane',
        }),
      ).rejects.toThrow(
        new ServiceUnavailableError(
          `the gateway at ${gw.url} (maas.gateway.url) for qwen3.maas.local did not answer within 1 s; try again, or check the gateway`,
        ),
      );
    } finally {
      await gw.close();
    }
  });

  it("explains the gateway's 403 and 5xx in words, keeping the status", async () => {
    for (const [status, title] of [
      [403, 'Refused (403): the model’s policy does not allow this call'],
      [503, 'The gateway or the model failed (503)'],
    ] as const) {
      const gw = await gateway(res => res.writeHead(status).end('no'));
      try {
        const outcome = await service(gw.url).call({
          model: model(),
          input,
          quota: noQuota,
          caller: 'user:default/jane',
        });
        expect(outcome).toMatchObject({
          kind: 'refused',
          refusal: { source: 'gateway', status, title, upstreamBody: 'no' },
        });
      } finally {
        await gw.close();
      }
    }
  });

  it("says a 429 came with no limit of the caller's used up when their quota shows none", async () => {
    const gw = await gateway(res => res.writeHead(429).end());
    try {
      const outcome = await service(gw.url).call({
        model: model(),
        input,
        caller: 'user:default/jane',
        quota: async () => ({
          source: 'limitador',
          tiers: [
            {
              tier: 'free',
              requests: {
                limitName: 'free-user-requests',
                limit: 5,
                window: '2m',
                windowSeconds: 120,
                remaining: 3,
                resetsInSeconds: 40,
              },
              tokens: null,
            },
          ],
          warnings: [],
        }),
      });
      expect(outcome.kind === 'refused' && outcome.refusal.explanation).toBe(
        "A limit refused the call, but none of your free-tier limits on this model is used up: the key may be someone else's or of another tier, or a limit for everyone on the model is reached. Wait a minute and try again.",
      );
    } finally {
      await gw.close();
    }
  });

  it("says, for an OIDC token, that the gateway may count the person under another user id than the portal's", async () => {
    const gw = await gateway(res => res.writeHead(429).end());
    try {
      const outcome = await service(gw.url).call({
        model: model({ authMode: 'oidc' }),
        input: { ...input, tier: undefined },
        caller: 'user:default/jane',
        quota: async () => ({ source: 'limitador', tiers: [], warnings: [] }),
      });
      expect(outcome.kind === 'refused' && outcome.refusal.explanation).toBe(
        "A limit refused the call, but none of your limits on this model is used up: the token may be another person's, or the model's AuthPolicy counts you under another user id than your portal user name (its user id claim), or a limit for everyone on the model is reached. Wait a minute and try again.",
      );
    } finally {
      await gw.close();
    }
  });

  it('closes the connection to the gateway when the caller goes away mid-answer (its signal aborted)', async () => {
    // A model that sends one chunk, then nothing: only the portal closing the connection ends the call.
    let upstreamClosed!: () => void;
    const closed = new Promise<void>(r => (upstreamClosed = r));
    const gw = await gateway(res => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write('data: {"choices":[{"delta":{"content":"Hel"}}]}\n\n');
      res.on('close', () => upstreamClosed());
    });
    const gone = new AbortController();
    try {
      const outcome = await service(gw.url).call({
        model: model(),
        input,
        caller: 'user:default/jane',
        quota: noQuota,
        signal: gone.signal,
      });
      expect(outcome.kind).toBe('answer');
      const upstream = (outcome as { upstream: http.IncomingMessage }).upstream;
      upstream.on('error', () => {});
      const first = await new Promise<string>(r =>
        upstream.once('data', c => r(String(c))),
      );
      expect(first).toContain('"Hel"');
      const stillOpen = await Promise.race([
        closed.then(() => false),
        new Promise(r => setTimeout(() => r(true), 200)),
      ]);
      expect(stillOpen).toBe(true);
      gone.abort();
      const closedInTime = await Promise.race([
        closed.then(() => true),
        new Promise(r => setTimeout(() => r(false), 2000)),
      ]);
      expect(closedInTime).toBe(true);
    } finally {
      await gw.close();
    }
  });

  it('refuses, before sending anything, a model without a route or whose authentication it cannot tell', async () => {
    await expect(
      service().call({
        model: model({ route: undefined }),
        input,
        quota: noQuota,
        caller: 'user:default/jane',
      }),
    ).rejects.toThrow(ConflictError);
    await expect(
      service().call({
        model: model({ authMode: 'unknown' }),
        input,
        quota: noQuota,
        caller: 'user:default/jane',
      }),
    ).rejects.toThrow(/cannot tell how this model authenticates callers/);
  });
});
