/*
 * No Limitador server can be built from the package registries here (only its library crate is
 * published), so these tests serve Limitador's documented answer from a local HTTP server: the
 * `Counter` definition of `GET /counters/{namespace}` in Kuadrant/limitador
 * `limitador-server/docs/http_server_spec.json` (commit 27c106f9704490b9ecc9f16c3d1ba0c9dcb92617),
 * with the limit's conditions and variables as the real kuadrant-operator (v1.3.1, run in the
 * harness) writes them into the Limitador CR for the upstream seed's RateLimitPolicy.
 */
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { HttpLimitadorClient, LimitadorCounter } from './LimitadorClient';
import { counterFor, isLimitOf } from './matchCounters';
import { windowSeconds } from './windowSeconds';

/** A counter as Limitador documents it, of a limit as kuadrant-operator writes it. */
function counter(
  limitName: string,
  userId: string,
  remaining: number,
  expires: number,
): LimitadorCounter {
  return {
    limit: {
      namespace: 'llm/simulator-route',
      max_value: 5,
      seconds: 120,
      conditions: [
        `descriptors[0]["limit.${limitName.replace(
          /-/g,
          '_',
        )}__ce4d9058"] == "1"`,
      ],
      variables: ['descriptors[0]["auth.identity.userid"]'],
    },
    set_variables: { 'descriptors[0]["auth.identity.userid"]': userId },
    remaining,
    expires_in_seconds: expires,
  };
}

describe('HttpLimitadorClient against the documented GET /counters/{namespace}', () => {
  let server: Server;
  let url: string;
  const seen: string[] = [];
  let answer: { status: number; body: unknown } = { status: 200, body: [] };

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.url ?? '');
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise(resolve => server.close(resolve)));

  it('reads the counters of a route, asking for its namespace as one path segment', async () => {
    answer = {
      status: 200,
      body: [
        counter('free-user-requests', 'freeuser1', 3, 74),
        counter('free-user-requests', 'freeuser2', 0, 12),
      ],
    };
    const client = new HttpLimitadorClient({ url: `${url}/`, timeoutMs: 2000 });
    const counters = await client.counters('llm/simulator-route');
    expect(seen.at(-1)).toBe('/counters/llm%2Fsimulator-route');
    expect(counters).toHaveLength(2);
    const mine = counterFor(counters, 'free-user-requests', 'freeuser1');
    expect(mine).toMatchObject({ remaining: 3, expires_in_seconds: 74 });
    expect(counterFor(counters, 'premium-user-requests', 'freeuser1')).toBe(
      undefined,
    );
    expect(counterFor(counters, 'free-user-requests', 'someone')).toBe(
      undefined,
    );
  });

  it('says what failed when Limitador answers an error or something that is not a list of counters', async () => {
    const client = new HttpLimitadorClient({ url, timeoutMs: 2000 });
    answer = { status: 500, body: 'boom' };
    await expect(client.counters('llm/x')).rejects.toThrow(
      /Limitador \(maas\.limitador\.url\) answered 500 .* for the counters of llm\/x/,
    );
    answer = { status: 200, body: { status: 'ok' } };
    await expect(client.counters('llm/x')).rejects.toThrow(
      /something other than a list of counters for llm\/x; is maas\.limitador\.url Limitador's HTTP port/,
    );
    answer = { status: 200, body: [{ limit: {}, set_variables: {} }] };
    await expect(client.counters('llm/x')).rejects.toThrow(
      /other than a list of counters/,
    );
  });

  it('says Limitador is unreachable, without its address', async () => {
    const closed = createServer();
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise(resolve => closed.close(resolve));
    const client = new HttpLimitadorClient({
      url: `http://127.0.0.1:${port}`,
      timeoutMs: 2000,
    });
    const error = (await client.counters('llm/x').catch(e => e)) as Error;
    expect(error.message).toMatch(
      /Limitador \(maas\.limitador\.url\) is unreachable \(ECONNREFUSED\)/,
    );
    expect(error.message).not.toContain(String(port));
  });
});

describe('matching Limitador limits to policy limits', () => {
  it("knows a limit by kuadrant-operator's descriptor condition or by its name", () => {
    const limit = counter('free-user-requests', 'u', 1, 1).limit;
    expect(isLimitOf(limit, 'free-user-requests')).toBe(true);
    expect(isLimitOf(limit, 'free-user')).toBe(false);
    expect(isLimitOf(limit, 'premium-user-requests')).toBe(false);
    expect(
      isLimitOf(
        { ...limit, conditions: [], name: 'gold-requests' },
        'gold-requests',
      ),
    ).toBe(true);
  });

  it('reads Kuadrant windows as seconds and refuses what is not one', () => {
    expect(windowSeconds('2m')).toBe(120);
    expect(windowSeconds('1h30m')).toBe(5400);
    expect(windowSeconds('500ms')).toBe(0.5);
    expect(() => windowSeconds('1d')).toThrow(/"1d" is not a Kuadrant window/);
    expect(() => windowSeconds('')).toThrow(/not a Kuadrant window/);
  });
});
