import { ResponseError } from '@backstage/errors';
import { MaasClient } from './MaasClient';

const BASE = 'http://localhost:7007/api/maas';

function setup(
  answer: { status?: number; body?: unknown; nextCursor?: string } = {},
) {
  const { status = 200, body = {}, nextCursor } = answer;
  const fetch = jest.fn(async (_url: string, _init?: RequestInit) => ({
    ok: status < 400,
    status,
    statusText: status < 400 ? 'OK' : 'Service Unavailable',
    url: BASE,
    headers: {
      get: (h: string) => {
        if (h.toLowerCase() === 'content-type') return 'application/json';
        return h.toLowerCase() === 'x-next-cursor' ? nextCursor ?? null : null;
      },
    },
    json: async () => body,
    text: async () => JSON.stringify(body),
  }));
  const client = new MaasClient({
    discoveryApi: { getBaseUrl: async () => BASE },
    fetchApi: { fetch: fetch as any },
  });
  return { client, fetch };
}

describe('MaasClient', () => {
  it('revokes a key made outside the portal, taking the 204 without a body', async () => {
    const { client, fetch } = setup({ status: 204 });
    await expect(
      client.revokeOutsideKey('resource:default/qwen3', 'seed key'),
    ).resolves.toBeUndefined();
    expect(fetch.mock.calls[0][0]).toBe(
      `${BASE}/models/by-entity/outside-keys/seed%20key/revoke?entityRef=resource%3Adefault%2Fqwen3`,
    );
    expect(fetch.mock.calls[0][1]).toMatchObject({ method: 'POST' });
  });

  it.each([
    ['getStatus', [], 'GET', '/status'],
    ['listModels', [], 'GET', '/models'],
    ['getAccess', [], 'GET', '/access'],
    [
      'getModel',
      ['resource:default/qwen3'],
      'GET',
      '/models/by-entity?entityRef=resource%3Adefault%2Fqwen3',
    ],
    [
      'getBinding',
      ['resource:default/qwen3'],
      'GET',
      '/models/by-entity/binding?entityRef=resource%3Adefault%2Fqwen3',
    ],
    [
      'adoptModel',
      ['resource:default/qwen3'],
      'POST',
      '/models/by-entity/adopt?entityRef=resource%3Adefault%2Fqwen3',
    ],
    [
      'listOutsideKeys',
      ['resource:default/qwen3'],
      'GET',
      '/models/by-entity/outside-keys?entityRef=resource%3Adefault%2Fqwen3',
    ],
    [
      'getModelTiers',
      ['resource:default/qwen3'],
      'GET',
      '/models/by-entity/tiers?entityRef=resource%3Adefault%2Fqwen3',
    ],
    [
      'getModelUsage',
      [{ entityRef: 'resource:default/qwen3', range: '7d', scope: 'all' }],
      'GET',
      '/models/by-entity/usage?entityRef=resource%3Adefault%2Fqwen3&range=7d&scope=all',
    ],
    [
      'getModelUsage',
      [{ entityRef: 'r:x/y', range: '1h' }],
      'GET',
      '/models/by-entity/usage?entityRef=r%3Ax%2Fy&range=1h',
    ],
    [
      'listKeyRequests',
      [{ state: 'pending', mine: true }],
      'GET',
      '/keys/requests?state=pending&mine=true',
    ],
    ['listKeyRequests', [{}], 'GET', '/keys/requests'],
    ['cancelKeyRequest', ['req 1'], 'POST', '/keys/requests/req%201/cancel'],
    ['listKeys', [{ mine: true }], 'GET', '/keys?mine=true'],
    ['revealKey', ['k1'], 'POST', '/keys/k1/reveal'],
    ['revokeKey', ['k1'], 'POST', '/keys/k1/revoke'],
    ['rotateKey', ['k1'], 'POST', '/keys/k1/rotate'],
    ['listAuditEvents', [{ limit: 50 }], 'GET', '/audit?limit=50'],
  ])('%s calls %s %s', async (method, args, verb, path) => {
    const { client, fetch } = setup();
    await (client as any)[method](...args);
    expect(fetch).toHaveBeenCalledWith(`${BASE}${path}`, { method: verb });
  });

  it.each([
    ['renameKey', ['k1', 'ci'], '/keys/k1/name', { name: 'ci' }],
    [
      'createKeyRequest',
      [{ entityRef: 'r:x/y', tier: 'free', reason: 'r' }],
      '/keys/requests',
      { entityRef: 'r:x/y', tier: 'free', reason: 'r' },
    ],
    [
      'decideKeyRequests',
      [{ ids: ['a'], decision: 'approve', comment: 'ok' }],
      '/keys/requests/decisions',
      { ids: ['a'], decision: 'approve', comment: 'ok' },
    ],
    [
      'requestTierChange',
      ['k1', { tier: 'premium', reason: 'more' }],
      '/keys/k1/tier-change',
      { tier: 'premium', reason: 'more' },
    ],
  ])('%s posts JSON to %s', async (method, args, path, body) => {
    const { client, fetch } = setup();
    await (client as any)[method](...args);
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe(`${BASE}${path}`);
    expect(init).toMatchObject({
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(JSON.parse(init!.body as string)).toEqual(body);
  });

  it('returns the parsed answer', async () => {
    const { client } = setup({ body: [{ id: 'k1' }] });
    await expect(client.listKeys({ mine: true })).resolves.toEqual([
      { id: 'k1' },
    ]);
  });

  it('gives a page the cursor of the next one, from X-Next-Cursor, and sends it back', async () => {
    const { client, fetch } = setup({ body: [{ id: 'k1' }], nextCursor: 'c2' });
    const page = await client.listKeyRequests({ state: 'pending' });
    expect([...page]).toEqual([{ id: 'k1' }]);
    expect(page.nextCursor).toBe('c2');
    await client.listKeyRequests({ state: 'pending', cursor: page.nextCursor });
    expect(fetch.mock.calls[1][0]).toBe(
      `${BASE}/keys/requests?state=pending&cursor=c2`,
    );
    const last = setup({ body: [{ id: 'k9' }] });
    expect(
      (await last.client.listAuditEvents({ limit: 5 })).nextCursor,
    ).toBeUndefined();
  });

  it("throws a ResponseError carrying the backend's message", async () => {
    const { client } = setup({
      status: 503,
      body: {
        error: {
          name: 'ServiceUnavailableError',
          message: 'No cluster is connected',
        },
        response: { statusCode: 503 },
      },
    });
    const error = await client.getModel('r:x/y').catch(e => e);
    expect(ResponseError.is(error)).toBe(true);
    expect(error.statusCode).toBe(503);
    expect(error.cause.message).toBe('No cluster is connected');
  });
});
