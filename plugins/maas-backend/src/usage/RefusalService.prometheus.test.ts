/*
 * Refusals by limit, per user and for admins, from the harness's real Prometheus on the backfilled
 * data (Kuadrant 1.3 + TelemetryPolicy shape, with user and group labels).
 */
import { counting } from '../__testUtils__/countingPrometheus';
import { RefusalService } from './RefusalService';

import { useBackfilledPrometheus } from '../__testUtils__/backfilledPrometheus';

describe('refusals by limit against the real Prometheus (backfilled data)', () => {
  const data = useBackfilledPrometheus();

  it('tells a user which limit refused their calls and how often, in one query (backfilled data)', async () => {
    const { client, counter } = counting(data.prometheus);
    const t = data.summary.endTime;
    const mine = await new RefusalService({ prometheus: client }).getRefusals({
      range: '1h',
      scope: 'user',
      userId: 'freeuser1',
      limitadorNamespace: 'llm/simulator-route',
      nowSeconds: t,
    });
    expect(counter.queries).toBe(1);
    const truth = data.countedBefore(
      'limited_calls',
      { limitador_namespace: 'llm/simulator-route', user: 'freeuser1' },
      t,
      3600,
    );
    expect(truth).toBeGreaterThan(0);
    expect(mine.limitNames).toBe(true);
    expect(mine.refusals).toEqual([
      { tier: 'free', limitName: 'free-user-requests', count: truth },
    ]);
    expect(mine.total).toBe(truth);
  });

  it("says a user's own refusals cannot be told on a route without user labels, in the same one query, instead of 'none'", async () => {
    const { client, counter } = counting(data.prometheus);
    const mine = await new RefusalService({ prometheus: client }).getRefusals({
      range: '24h',
      scope: 'user',
      userId: 'freeuser1',
      limitadorNamespace: 'llm/legacy-route',
      nowSeconds: data.summary.endTime,
    });
    expect(counter.queries).toBe(1);
    expect(mine).toMatchObject({ refusals: [], total: 0 });
    expect(mine.message).toMatch(
      /^Limitador's metrics for this route carry no user labels, so your own refused calls cannot be told from other people's\. .*TelemetryPolicy/,
    );
  });

  it("gives admins everyone's refusals per user, and says when Limitador reports no limit names (backfilled data)", async () => {
    const t = data.summary.endTime;
    const service = new RefusalService({ prometheus: data.prometheus });
    const all = await service.getRefusals({
      range: '24h',
      scope: 'all',
      limitadorNamespace: 'llm/simulator-route',
      nowSeconds: t,
    });
    // The range is longer than the data: each series counts from 0, its value before the data included.
    const truth = data.countedBefore(
      'limited_calls',
      { limitador_namespace: 'llm/simulator-route' },
      t,
      86400,
    );
    expect(all.total).toBe(truth);
    expect(new Set(all.refusals.map(r => r.user)).size).toBeGreaterThan(1);
    expect(
      all.refusals.every(r => r.limitName === `${r.tier}-user-requests`),
    ).toBe(true);
    expect(all.refusals.map(r => r.count)).toEqual(
      [...all.refusals.map(r => r.count)].sort((a, b) => b - a),
    );
    const unnamed = await service.getRefusals({
      range: '24h',
      scope: 'all',
      limitadorNamespace: 'llm/qwen3-route',
      nowSeconds: t,
    });
    expect(unnamed.total).toBeGreaterThan(0);
    expect(unnamed.limitNames).toBe(false);
    expect(
      unnamed.refusals.every(r => r.limitName === undefined && r.user),
    ).toBe(true);
    expect(unnamed.warnings.join(' ')).toMatch(/telemetry: exhaustive/);
  });
});
