import { monthsToPrepare } from './scheduleCostKeeping';

const at = (iso: string) => Date.parse(iso) / 1000;
const months = (iso: string) =>
  monthsToPrepare(at(iso)).map(r => [r.month, r.open ?? false]);

describe('monthsToPrepare', () => {
  it('prepares last month, ended, and this month, open', () => {
    expect(months('2026-12-07T22:00:00Z')).toEqual([
      ['2026-11', false],
      ['2026-12', true],
    ]);
    expect(monthsToPrepare(at('2026-12-07T22:00:00Z'))[0]).toMatchObject({
      start: at('2026-11-01T00:00:00Z'),
      end: at('2026-12-01T00:00:00Z'),
    });
  });

  it('waits until last month has settled (its last samples stored) before keeping it', () => {
    expect(months('2026-12-01T00:05:00Z')).toEqual([['2026-12', true]]);
    expect(months('2026-12-01T00:10:00Z')).toEqual([
      ['2026-11', false],
      ['2026-12', true],
    ]);
  });

  it('crosses the year: in January, last December', () => {
    expect(months('2027-01-15T08:00:00Z')).toEqual([
      ['2026-12', false],
      ['2027-01', true],
    ]);
  });
});
