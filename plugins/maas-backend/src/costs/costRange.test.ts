import { costRange } from './costRange';

const at = (iso: string) => Date.parse(iso) / 1000;

describe('costRange', () => {
  // 01:00 UTC on 1 Dec 2026: December in Kolkata and Berlin, still 30 Nov (22:00) in São Paulo.
  const now = at('2026-12-01T01:00:00Z');

  it.each([
    ['UTC', '2026-12', '2026-12-01T00:00:00Z'],
    ['Asia/Kolkata', '2026-12', '2026-11-30T18:30:00Z'],
    ['Europe/Berlin', '2026-12', '2026-11-30T23:00:00Z'],
    ['America/Sao_Paulo', '2026-11', '2026-11-01T03:00:00Z'],
  ])('this month in %s is %s, from %s until now', (zone, month, start) => {
    expect(costRange({}, now, zone)).toEqual({
      start: at(start),
      end: now,
      month,
      open: true,
      timeZone: zone,
    });
  });

  it('runs a past month from local midnight to local midnight across a clock change', () => {
    expect(costRange({ month: '2026-10' }, now, 'Europe/Berlin')).toEqual({
      start: at('2026-09-30T22:00:00Z'),
      end: at('2026-10-31T23:00:00Z'),
      month: '2026-10',
      open: false,
      timeZone: 'Europe/Berlin',
    });
  });

  it('is UTC when no zone is given', () => {
    expect(costRange({ month: '2026-11' }, now)).toMatchObject({
      start: at('2026-11-01T00:00:00Z'),
      end: at('2026-12-01T00:00:00Z'),
      timeZone: 'UTC',
    });
  });

  it('keeps custom dates as UTC midnights whatever the zone', () => {
    expect(
      costRange(
        { start: '2026-11-01', end: '2026-11-15' },
        now,
        'Asia/Kolkata',
      ),
    ).toEqual({
      start: at('2026-11-01T00:00:00Z'),
      end: at('2026-11-15T00:00:00Z'),
      open: false,
      timeZone: 'Asia/Kolkata',
    });
  });

  it('refuses a month that has not started in the zone', () => {
    // 20:00 UTC on 30 Nov: December in Kolkata, not yet in UTC.
    const evening = at('2026-11-30T20:00:00Z');
    expect(costRange({ month: '2026-12' }, evening, 'Asia/Kolkata')).toEqual(
      expect.objectContaining({
        month: '2026-12',
        start: at('2026-11-30T18:30:00Z'),
      }),
    );
    expect(() => costRange({ month: '2026-12' }, evening, 'UTC')).toThrow(
      'month 2026-12 has not started yet',
    );
  });

  it('names a malformed month', () => {
    expect(() => costRange({ month: '2026-13' }, now, 'Asia/Kolkata')).toThrow(
      'month "2026-13" is not a month: give YYYY-MM, e.g. 2026-11',
    );
  });
});
