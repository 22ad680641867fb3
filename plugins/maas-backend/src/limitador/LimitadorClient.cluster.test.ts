/*
 * HttpLimitadorClient and the matching of counters to policy limits against the harness's real
 * Limitador (the limitador crate behind the harness's gateway), with counters made by real calls
 * through the gateway on a route whose limits the real kuadrant-operator wrote.
 */
import { harnessEnv, limitadorCounters } from '@maas-portal/harness/testing';
import { LimitedRoute, startLimitedRoute } from '../__testUtils__/limitedRoute';
import { HttpLimitadorClient, LimitadorCounter } from './LimitadorClient';
import { counterFor, isLimitOf } from './matchCounters';

describe('HttpLimitadorClient against the real Limitador', () => {
  let route: LimitedRoute;
  let url: string;
  let counters: LimitadorCounter[];

  beforeAll(async () => {
    url = harnessEnv('MAAS_HARNESS_LIMITADOR_URL');
    route = await startLimitedRoute('limitador-client', {
      'lc-free': 'free',
      'lc-premium': 'premium',
    });
  }, 240_000);
  afterAll(() => route?.stop());

  it('reads the counters that real calls made, asking for the namespace (which holds a "/") as one path segment', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push(await route.call('lc-free'));
    statuses.push(await route.call('lc-premium'));
    expect(statuses).toEqual([200, 200, 200, 200]);

    const client = new HttpLimitadorClient({
      url: `${url}/`,
      timeoutMs: 2000,
    });
    counters = await client.counters(route.limitadorNamespace);
    // What Limitador lists for the harness's own reader, bar the seconds ticking in between.
    const bare = (list: Array<{ expires_in_seconds?: number }>) =>
      list.map(({ expires_in_seconds: _, ...rest }) => rest);
    expect(bare(counters)).toEqual(
      bare(await limitadorCounters(route.limitadorNamespace)),
    );
    expect(counters).toHaveLength(2);
    const free = counterFor(counters, 'free-user-requests', 'lc-free')!;
    expect(free).toMatchObject({
      limit: {
        namespace: route.limitadorNamespace,
        max_value: 5,
        seconds: 120,
      },
      remaining: 2,
    });
    expect(free.expires_in_seconds).toBeGreaterThan(60);
    expect(free.expires_in_seconds).toBeLessThanOrEqual(120);
    expect(
      counterFor(counters, 'premium-user-requests', 'lc-premium'),
    ).toMatchObject({ limit: { max_value: 20 }, remaining: 19 });
    // Each user's counter is of their own tier's limit only.
    expect(counterFor(counters, 'premium-user-requests', 'lc-free')).toBe(
      undefined,
    );
    expect(counterFor(counters, 'free-user-requests', 'someone')).toBe(
      undefined,
    );
    // Sent unencoded, the "/" splits the path and Limitador has no such route.
    const raw = await fetch(`${url}/counters/${route.limitadorNamespace}`);
    expect(raw.status).toBe(404);
  }, 60_000);

  it("knows kuadrant-operator's limits by their descriptor condition, not by a name it does not write", () => {
    const free = counterFor(counters, 'free-user-requests', 'lc-free')!;
    expect(free.limit.name ?? undefined).toBe(undefined);
    expect(free.limit.conditions).toEqual([
      expect.stringMatching(
        /^descriptors\[0\]\["limit\.free_user_requests__[0-9a-f]+"\] == "1"$/,
      ),
    ]);
    expect(isLimitOf(free.limit, 'free-user-requests')).toBe(true);
    expect(isLimitOf(free.limit, 'free-user')).toBe(false);
    expect(isLimitOf(free.limit, 'premium-user-requests')).toBe(false);
  });

  it("lists the limits Limitador enforces for the route: kuadrant-operator's tiers, each known by its descriptor condition", async () => {
    const client = new HttpLimitadorClient({ url, timeoutMs: 2000 });
    const limits = await client.limits(route.limitadorNamespace);
    expect(
      limits.map(l => [
        ['free', 'premium', 'enterprise'].find(t =>
          isLimitOf(l, `${t}-user-requests`),
        ),
        l.max_value,
        l.seconds,
      ]),
    ).toEqual(
      expect.arrayContaining([
        ['free', 5, 120],
        ['premium', 20, 120],
      ]),
    );
    expect(limits.every(l => l.namespace === route.limitadorNamespace)).toBe(
      true,
    );
    await expect(
      client.limits(`${route.limitadorNamespace}-never-limited`),
    ).resolves.toEqual([]);
  });

  it('gives no counters for a namespace nobody called', async () => {
    const client = new HttpLimitadorClient({ url, timeoutMs: 2000 });
    await expect(
      client.counters(`${route.limitadorNamespace}-never-called`),
    ).resolves.toEqual([]);
  });

  it("says what failed when maas.limitador.url is not the root of Limitador's API (Limitador answers 404)", async () => {
    const client = new HttpLimitadorClient({
      url: `${url}/v1`,
      timeoutMs: 2000,
    });
    await expect(client.counters(route.limitadorNamespace)).rejects.toThrow(
      /^Limitador \(maas\.limitador\.url\) answered 404 Not Found for the counters of limitador-client-/,
    );
  });
});
