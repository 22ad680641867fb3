import { CostRange } from './costRange';
import { CostUsage, CostUsageCache } from './CostUsageCache';

/** A compute function that counts its calls and answers when told to (no server: the cache's own logic). */
function computer() {
  const calls: CostRange[] = [];
  const waiting: Array<{
    resolve: (u: CostUsage) => void;
    reject: (e: Error) => void;
  }> = [];
  const compute = (range: CostRange) => {
    calls.push(range);
    return new Promise<CostUsage>((resolve, reject) =>
      waiting.push({ resolve, reject }),
    );
  };
  const answer = (range: CostRange, calls_ = 1) =>
    waiting.shift()!.resolve({
      lines: [
        {
          user: 'jane',
          tier: 'free',
          route: 'llm/r',
          calls: calls_,
          tokens: 0,
        },
      ],
      unlabelled: [],
      end: range.end,
    });
  const fail = (message: string) => waiting.shift()!.reject(new Error(message));
  return { calls, compute, answer, fail, waiting };
}

const flush = () => new Promise(r => setImmediate(r));

describe('CostUsageCache', () => {
  let clock: number;
  const cache = (maxEntries?: number) =>
    new CostUsageCache({
      freshMs: 30_000,
      staleMs: 900_000,
      maxEntries,
      now: () => clock,
    });
  // This month so far, asked at `at` (ms).
  const month = (at: number) => ({
    start: 1_764_547_200,
    end: Math.floor(at / 1000),
    open: true,
  });

  beforeEach(() => {
    clock = 1_764_560_000_000;
  });

  it('computes a range once for loads that come while it is computed and within the fresh time', async () => {
    const c = cache();
    const c1 = computer();
    const first = c.get(month(clock), c1.compute);
    const second = c.get(month(clock), c1.compute);
    expect(c1.calls).toHaveLength(1);
    c1.answer(month(clock), 7);
    expect((await first).usage.lines[0].calls).toBe(7);
    expect((await second).usage.lines[0].calls).toBe(7);
    clock += 29_000;
    expect((await c.get(month(clock), c1.compute)).usage.end).toBe(
      month(clock - 29_000).end,
    );
    expect(c1.calls).toHaveLength(1);
  });

  it('serves older figures of an open range at once, with their end, and computes the new ones in the background', async () => {
    const c = cache();
    const c1 = computer();
    const first = c.get(month(clock), c1.compute);
    c1.answer(month(clock), 7);
    const before = (await first).usage.end;
    clock += 60_000;
    const stale = await c.get(month(clock), c1.compute);
    expect(stale.usage.end).toBe(before);
    expect(stale.warning).toBeUndefined();
    // The refresh asks for the range as it is now.
    expect(c1.calls).toHaveLength(2);
    expect(c1.calls[1].end).toBe(month(clock).end);
    // Another load while it runs starts no second query.
    await c.get(month(clock), c1.compute);
    expect(c1.calls).toHaveLength(2);
    c1.answer(month(clock), 9);
    await flush();
    const fresh = await c.get(month(clock), c1.compute);
    expect(fresh.usage.end).toBe(month(clock).end);
    expect(fresh.usage.lines[0].calls).toBe(9);
  });

  it('starts from figures computed elsewhere (seed) when memory holds none: within the stale time shown at once while new ones are computed, older ones not used', async () => {
    const c = cache();
    const c1 = computer();
    const elsewhere = (ageMs: number, calls: number) => async () => ({
      usage: {
        lines: [
          { user: 'jane', tier: 'free', route: 'llm/r', calls, tokens: 0 },
        ],
        unlabelled: [],
        end: Math.floor((clock - ageMs) / 1000),
      },
      computedAt: clock - ageMs,
    });
    const seeded = await c.get(month(clock), c1.compute, elsewhere(600_000, 4));
    expect(seeded.usage.lines[0].calls).toBe(4);
    expect(seeded.usage.end).toBe(Math.floor((clock - 600_000) / 1000));
    // The new figures are computed in the background, and then shown.
    expect(c1.calls).toHaveLength(1);
    c1.answer(month(clock), 6);
    await flush();
    const seed = jest.fn(elsewhere(0, 5));
    expect(
      (await c.get(month(clock), c1.compute, seed)).usage.lines[0].calls,
    ).toBe(6);
    // Memory holds figures: the seed is not asked.
    expect(seed).not.toHaveBeenCalled();

    // Figures from elsewhere older than the stale time: the load waits for new ones.
    const other = cache();
    const c2 = computer();
    let answered = false;
    const load = other
      .get(month(clock), c2.compute, elsewhere(901_000, 4))
      .then(r => {
        answered = true;
        return r;
      });
    await flush();
    expect(answered).toBe(false);
    c2.answer(month(clock), 8);
    expect((await load).usage.lines[0].calls).toBe(8);
  });

  it('waits for new figures when the kept ones are older than the stale time', async () => {
    const c = cache();
    const c1 = computer();
    const first = c.get(month(clock), c1.compute);
    c1.answer(month(clock));
    await first;
    clock += 901_000;
    let settled = false;
    const load = c.get(month(clock), c1.compute).then(r => {
      settled = true;
      return r;
    });
    await flush();
    expect(settled).toBe(false);
    c1.answer(month(clock), 3);
    expect((await load).usage.end).toBe(month(clock).end);
  });

  it('says when a background refresh failed, keeps the older figures, and tries again on the next load', async () => {
    const c = cache();
    const c1 = computer();
    const first = c.get(month(clock), c1.compute);
    c1.answer(month(clock));
    const kept = (await first).usage;
    clock += 60_000;
    await c.get(month(clock), c1.compute);
    c1.fail('Prometheus (maas.prometheus.url) did not answer within 5000 ms');
    await flush();
    const next = await c.get(month(clock), c1.compute);
    expect(next.usage).toBe(kept);
    expect(next.warning).toMatch(
      /^These figures are from \d\d:\d\d UTC: computing newer ones failed \(Prometheus \(maas\.prometheus\.url\) did not answer within 5000 ms\)\. Reload the page to try again\.$/,
    );
    expect(c1.calls).toHaveLength(3);
  });

  it('passes a failure on when it has no figures to show, and keeps nothing of it', async () => {
    const c = cache();
    const c1 = computer();
    const first = c.get(month(clock), c1.compute);
    c1.fail('unreachable');
    await expect(first).rejects.toThrow('unreachable');
    const again = c.get(month(clock), c1.compute);
    expect(c1.calls).toHaveLength(2);
    c1.answer(month(clock));
    expect((await again).warning).toBeUndefined();
  });

  it('keeps a range that ended more than ten minutes ago for good, and one that just ended only for the fresh time', async () => {
    const c = cache();
    const c1 = computer();
    const october = { start: 1_759_276_800, end: 1_761_955_200, open: false };
    const first = c.get(october, c1.compute);
    c1.answer(october);
    await first;
    clock += 86_400_000;
    await c.get(october, c1.compute);
    expect(c1.calls).toHaveLength(1);

    const justEnded = {
      start: 1_764_547_200,
      end: Math.floor(clock / 1000) - 60,
      open: false,
    };
    const second = c.get(justEnded, c1.compute);
    c1.answer(justEnded);
    await second;
    clock += 31_000;
    await c.get(justEnded, c1.compute);
    expect(c1.calls).toHaveLength(3);
  });

  it('holds at most maxEntries ranges, evicting the least recently used', async () => {
    const c = cache(2);
    const c1 = computer();
    const range = (i: number) => ({
      start: 1_700_000_000 + i * 86400,
      end: 1_700_000_000 + (i + 1) * 86400,
      open: false,
    });
    for (const i of [0, 1]) {
      const p = c.get(range(i), c1.compute);
      c1.answer(range(i));
      await p;
    }
    await c.get(range(0), c1.compute); // 0 is now the most recently used
    const p2 = c.get(range(2), c1.compute);
    c1.answer(range(2));
    await p2;
    expect(c1.calls).toHaveLength(3);
    await c.get(range(0), c1.compute);
    expect(c1.calls).toHaveLength(3);
    const p1 = c.get(range(1), c1.compute);
    expect(c1.calls).toHaveLength(4);
    c1.answer(range(1));
    await p1;
  });
});
