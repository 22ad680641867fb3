import { monthsToPrepare } from './scheduleCostKeeping';

const at = (iso: string) => Date.parse(iso) / 1000;
const months = (iso: string, zone = 'UTC') =>
  monthsToPrepare(at(iso), zone).map(r => [r.month, r.open ?? false]);

describe('monthsToPrepare', () => {
  it('prepares last month, ended, and this month, open', () => {
    expect(months('2026-12-07T22:00:00Z')).toEqual([
      ['2026-11', false],
      ['2026-12', true],
    ]);
    expect(monthsToPrepare(at('2026-12-07T22:00:00Z'), 'UTC')[0]).toMatchObject(
      {
        start: at('2026-11-01T00:00:00Z'),
        end: at('2026-12-01T00:00:00Z'),
      },
    );
  });

  it('waits until last month has settled (its last samples stored) before keeping it', () => {
    expect(months('2026-12-01T00:05:00Z')).toEqual([['2026-12', true]]);
    expect(months('2026-12-01T00:10:00Z')).toEqual([
      ['2026-11', false],
      ['2026-12', true],
    ]);
  });

  it("prepares the months of maas.costs.timeZone: Kolkata's December starts 5 h 30 min before UTC's", () => {
    // 20:00 UTC on 30 Nov is 01:30 on 1 Dec in Kolkata: November there has ended (and settled).
    expect(months('2026-11-30T20:00:00Z', 'Asia/Kolkata')).toEqual([
      ['2026-11', false],
      ['2026-12', true],
    ]);
    expect(months('2026-11-30T20:00:00Z')).toEqual([
      ['2026-10', false],
      ['2026-11', true],
    ]);
    const [november, december] = monthsToPrepare(
      at('2026-11-30T20:00:00Z'),
      'Asia/Kolkata',
    );
    expect(november).toMatchObject({
      start: at('2026-10-31T18:30:00Z'),
      end: at('2026-11-30T18:30:00Z'),
      timeZone: 'Asia/Kolkata',
    });
    expect(december.start).toBe(at('2026-11-30T18:30:00Z'));
  });

  it('crosses the year: in January, last December', () => {
    expect(months('2027-01-15T08:00:00Z')).toEqual([
      ['2026-12', false],
      ['2027-01', true],
    ]);
  });
});
