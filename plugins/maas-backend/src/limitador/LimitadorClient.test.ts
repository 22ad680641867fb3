/*
 * What no real server here produces: a server that is not Limitador answering 500 or a body that is
 * not a list of counters, a limit that carries its policy's name (a Limitador configured by hand;
 * kuadrant-operator writes none), an unreachable Limitador (a closed port) and windows. The client
 * against the real Limitador, with counters made by real calls: LimitadorClient.cluster.test.ts.
 */
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { HttpLimitadorClient } from './LimitadorClient';
import { isLimitOf } from './matchCounters';
import { windowSeconds } from './windowSeconds';

describe('HttpLimitadorClient against servers that are not Limitador', () => {
  let server: Server;
  let url: string;
  let answer: { status: number; body: unknown } = { status: 200, body: [] };

  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise(resolve => server.close(resolve)));

  it('says what failed when the server answers an error or something that is not a list of counters', async () => {
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
  it('knows a limit configured by hand by its name', () => {
    const limit = {
      namespace: 'llm/simulator-route',
      max_value: 5,
      seconds: 120,
      conditions: [],
      variables: ['descriptors[0]["auth.identity.userid"]'],
    };
    expect(
      isLimitOf({ ...limit, name: 'gold-requests' }, 'gold-requests'),
    ).toBe(true);
    expect(isLimitOf({ ...limit, name: 'gold-requests' }, 'gold')).toBe(false);
    expect(isLimitOf(limit, 'gold-requests')).toBe(false);
  });

  it('reads Kuadrant windows as seconds and refuses what is not one', () => {
    expect(windowSeconds('2m')).toBe(120);
    expect(windowSeconds('1h30m')).toBe(5400);
    expect(windowSeconds('500ms')).toBe(0.5);
    expect(() => windowSeconds('1d')).toThrow(/"1d" is not a Kuadrant window/);
    expect(() => windowSeconds('')).toThrow(/not a Kuadrant window/);
  });
});
