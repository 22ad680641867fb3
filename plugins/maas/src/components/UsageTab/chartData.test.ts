import { mergeSeries, tierColors } from './chartData';

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
