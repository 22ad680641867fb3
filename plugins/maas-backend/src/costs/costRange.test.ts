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

  it('takes custom dates as midnights in the zone, and times at their own offset', () => {
    expect(
      costRange(
        { start: '2026-11-01', end: '2026-11-15' },
        now,
        'Asia/Kolkata',
      ),
    ).toEqual({
      start: at('2026-10-31T18:30:00Z'),
      end: at('2026-11-14T18:30:00Z'),
      open: false,
      timeZone: 'Asia/Kolkata',
    });
    // Berlin's clocks go back on 25 Oct 2026: a week across it is 7 days and an hour long.
    const week = costRange(
      { start: '2026-10-22', end: '2026-10-29' },
      now,
      'Europe/Berlin',
    );
    expect(week).toMatchObject({
      start: at('2026-10-21T22:00:00Z'),
      end: at('2026-10-28T23:00:00Z'),
    });
    expect(week.end - week.start).toBe(7 * 86400 + 3600);
    // Asuncion skipped midnight on 1 Oct 2023: that day starts at 01:00 local, the change itself.
    expect(
      costRange(
        { start: '2023-10-01', end: '2023-10-02' },
        now,
        'America/Asuncion',
      ),
    ).toMatchObject({
      start: at('2023-10-01T04:00:00Z'),
      end: at('2023-10-02T03:00:00Z'),
    });
    // A time names its own instant, whatever the zone.
    expect(
      costRange(
        { start: '2026-11-01T08:00:00Z', end: '2026-11-01T09:30:00+01:00' },
        now,
        'Asia/Kolkata',
      ),
    ).toMatchObject({
      start: at('2026-11-01T08:00:00Z'),
      end: at('2026-11-01T08:30:00Z'),
    });
  });

  it.each([
    [
      '2026-02-30',
      /start "2026-02-30" is not a date: give 2026-11-01 \(midnight in Europe\/Berlin, maas.costs.timeZone\)/,
    ],
    ['2026-11-01T08:00', /start "2026-11-01T08:00" is not a date/],
    ['yesterday', /start "yesterday" is not a date/],
  ])(
    'refuses start=%s, naming the zone a date is read in',
    (start, message) => {
      expect(() =>
        costRange({ start, end: '2026-11-15' }, now, 'Europe/Berlin'),
      ).toThrow(message);
    },
  );

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
