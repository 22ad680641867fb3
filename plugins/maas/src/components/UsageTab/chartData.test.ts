import { mergeSeries, stepLabel, tierColors, timeTicks } from './chartData';

describe('mergeSeries', () => {
  it('merges series into rows by time, summing equal keys and filling gaps with zero', () => {
    const rows = mergeSeries([
      {
        key: 'limited:free',
        points: [
          [20, 1],
          [10, 2],
        ],
      },
      { key: 'limited:free', points: [[10, 3]] },
      { key: 'authorized:free', points: [[20, 5]] },
    ]);
    expect(rows).toEqual([
      { t: 10, 'limited:free': 5, 'authorized:free': 0 },
      { t: 20, 'limited:free': 1, 'authorized:free': 5 },
    ]);
  });
});

describe('tierColors', () => {
  it('gives each tier the same color whatever the order it is seen in', () => {
    const a = tierColors(['premium', 'free']);
    const b = tierColors(['free', null, 'premium', 'free']);
    expect(a('free')).toBe(b('free'));
    expect(a('premium')).toBe(b('premium'));
    expect(a('free')).not.toBe(a('premium'));
    expect(b(null)).not.toBe(b('free'));
  });
});

describe('stepLabel', () => {
  it.each([
    [120, '2 min'],
    [900, '15 min'],
    [10800, '3 h'],
  ])('says %i s as "%s"', (step, label) => {
    expect(stepLabel(step)).toBe(label);
  });
});

describe('timeTicks', () => {
  const end = 1_764_547_234; // not on any tick
  it('gives a week one tick per local midnight, seven different days', () => {
    const ticks = timeTicks(end - 7 * 86400, end, '7d');
    expect(ticks).toHaveLength(7);
    for (const t of ticks) {
      const d = new Date(t * 1000);
      expect([d.getHours(), d.getMinutes(), d.getSeconds()]).toEqual([0, 0, 0]);
    }
    expect(new Set(ticks.map(t => new Date(t * 1000).getDate())).size).toBe(7);
  });

  it('gives a day a tick every 3 hours and an hour one every 10 minutes, inside the range', () => {
    const day = timeTicks(end - 86400, end, '24h');
    expect(day).toHaveLength(8);
    expect(day.slice(1).map((t, i) => t - day[i])).toEqual(
      new Array(7).fill(10800),
    );
    const hour = timeTicks(end - 3600, end, '1h');
    expect(hour).toHaveLength(6);
    expect(hour[0]).toBeGreaterThan(end - 3600);
    expect(hour.at(-1)).toBeLessThanOrEqual(end);
  });
});
