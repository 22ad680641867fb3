/* UsageService where data is missing, on the harness's backfilled data in its real Prometheus: no series, no user labels, no route, no calls in the range, and Prometheus failing or not configured. */
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { HttpPrometheusClient } from '../prometheus/HttpPrometheusClient';
import { UsageService } from './UsageService';

import {
  totalOf,
  useUsageOnBackfilledData,
} from '../__testUtils__/usageOnBackfilledData';

describe('UsageService without data to show, against the real Prometheus', () => {
  const bed = useUsageOnBackfilledData();

  async function unscrapedAndUnlabelled(scope: 'user' | 'all') {
    const request = {
      range: '24h' as const,
      scope,
      userId: 'freeuser1',
    };
    const none = await bed.usageAt({
      ...request,
      modelName: 'unscraped',
      limitadorNamespace: 'llm/unscraped-route',
    });
    const unlabelled = await bed.usageAt({
      ...request,
      modelName: 'legacy',
      limitadorNamespace: 'llm/legacy-route',
    });
    expect(none.usage.state).toBe('no-series');
    expect(none.usage.authorized).toEqual([]);
    expect(none.usage.warnings).toEqual([]);
    expect(unlabelled.usage.state).toBe('no-user-labels');
    expect(unlabelled.usage.perUserLabels).toBe(false);
    expect(unlabelled.usage.topUsers).toBeUndefined();
    return { none, unlabelled };
  }

  it('tells a user a route with no series apart from one whose series have no user/group labels, in one query each', async () => {
    const { none, unlabelled } = await unscrapedAndUnlabelled('user');
    expect(none.queries).toBe(1);
    expect(unlabelled.queries).toBe(1);
    expect(unlabelled.usage.authorized).toEqual([]);
  });

  it("shows everyone's calls without tiers where series have no labels, and nothing where there are none", async () => {
    const { none, unlabelled } = await unscrapedAndUnlabelled('all');
    expect(none.usage.promptTokens?.total ?? 0).toBe(0);
    expect(unlabelled.usage.authorized.map(s => s.tier)).toEqual([null]);
    expect(unlabelled.usage.authorized[0].total).toBe(
      bed.countedBefore(
        'authorized_calls',
        { limitador_namespace: 'llm/legacy-route' },
        unlabelled.usage.end,
        86400,
      ),
    );
  });

  it('says a model without a route has no route, without asking Prometheus about Limitador', async () => {
    const mine = await bed.usageAt({
      range: '1h',
      modelName: 'simulator',
      scope: 'user',
      userId: 'freeuser1',
    });
    expect(mine.usage.state).toBe('no-route');
    expect(mine.queries).toBe(0);
    const all = await bed.usageAt({
      range: '1h',
      modelName: 'simulator',
      scope: 'all',
    });
    expect(all.usage.state).toBe('no-route');
    expect(all.usage.authorized).toEqual([]);
    // The model server's own counters still answer, in two queries.
    expect(all.usage.promptTokens!.total).toBeGreaterThan(0);
    expect(all.queries).toBe(2);
  });

  it('says "no calls" for a user whose series exist but did not move in the range', async () => {
    const idle = bed.summary.series.find(
      s =>
        s.metric === 'authorized_calls' &&
        s.labels.user &&
        s.perStepIncrease.slice(1).includes(0),
    )!;
    const i = idle.perStepIncrease.indexOf(0, 1);
    const { usage } = await bed.usageAt(
      {
        range: '1h',
        limitadorNamespace: idle.labels.limitador_namespace,
        modelName: 'x',
        scope: 'user',
        userId: idle.labels.user,
      },
      bed.summary.checkpoints[i + 1],
    );
    expect(usage.state).toBe('no-calls');
    expect(totalOf(usage.authorized)).toBe(0);
    expect(usage.authorized[0].points.length).toBe(30);
  });

  describe('when Prometheus fails', () => {
    let server: Server;
    let url: string;
    beforeAll(async () => {
      // Accepts connections and never answers.
      server = createServer(() => undefined);
      await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => {
      server.closeAllConnections();
      server.close();
    });

    it('answers 503 saying Prometheus is unreachable and what to check, without its URL', async () => {
      const service = new UsageService({
        prometheus: new HttpPrometheusClient({ url, timeoutMs: 300 }),
      });
      for (const scope of ['user', 'all'] as const) {
        const error = await service
          .getUsage({
            range: '1h',
            limitadorNamespace: 'llm/x',
            modelName: 'x',
            scope,
            userId: 'freeuser1',
            nowSeconds: bed.now,
          })
          .catch(e => e);
        expect(error).toMatchObject({
          name: 'ServiceUnavailableError',
          message: expect.stringMatching(
            /^Prometheus \(maas\.prometheus\.url\) did not answer within 300 ms, so usage cannot be shown\. Ask the platform team/,
          ),
        });
        expect(error.message).not.toContain('127.0.0.1');
      }
    });

    it('answers 503 when Prometheus is not configured', async () => {
      await expect(
        new UsageService({}).getUsage({
          range: '1h',
          limitadorNamespace: 'llm/x',
          modelName: 'x',
          scope: 'all',
        }),
      ).rejects.toThrow(/No Prometheus is configured/);
    });
  });
});
