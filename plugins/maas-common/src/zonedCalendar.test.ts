import { dayStart, isTimeZone, monthOf, monthRange } from './zonedCalendar';

const at = (iso: string) => Date.parse(iso) / 1000;

describe('monthRange', () => {
  it.each([
    // zone, month, start, end (the next month's start)
    ['UTC', '2026-11', '2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z'],
    ['UTC', '2026-12', '2026-12-01T00:00:00Z', '2027-01-01T00:00:00Z'],
    // Berlin's clocks go forward on 29 Mar and back on 25 Oct 2026: each month starts at +1 or +2.
    [
      'Europe/Berlin',
      '2026-03',
      '2026-02-28T23:00:00Z',
      '2026-03-31T22:00:00Z',
    ],
    [
      'Europe/Berlin',
      '2026-10',
      '2026-09-30T22:00:00Z',
      '2026-10-31T23:00:00Z',
    ],
    [
      'America/Sao_Paulo',
      '2026-11',
      '2026-11-01T03:00:00Z',
      '2026-12-01T03:00:00Z',
    ],
    ['Asia/Kolkata', '2026-12', '2026-11-30T18:30:00Z', '2026-12-31T18:30:00Z'],
    // +13:45 in the southern summer, +12:45 from 5 Apr 2026.
    [
      'Pacific/Chatham',
      '2026-04',
      '2026-03-31T10:15:00Z',
      '2026-04-30T11:15:00Z',
    ],
    // Asuncion skipped midnight on 1 Oct 2023 (00:00 -04 became 01:00 -03): the month starts at
    // the first instant of 1 Oct, 01:00 local.
    [
      'America/Asuncion',
      '2023-10',
      '2023-10-01T04:00:00Z',
      '2023-11-01T03:00:00Z',
    ],
    [
      'America/Asuncion',
      '2023-09',
      '2023-09-01T04:00:00Z',
      '2023-10-01T04:00:00Z',
    ],
    // In 2024 the change was on the 6th: the 1st still has its midnight (-04).
    [
      'America/Asuncion',
      '2024-10',
      '2024-10-01T04:00:00Z',
      '2024-11-01T03:00:00Z',
    ],
  ])('%s %s runs from %s to %s', (zone, month, start, end) => {
    expect(monthRange(month, zone)).toEqual({ start: at(start), end: at(end) });
  });

  it('takes the earlier instant when a clock change repeats midnight', () => {
    // America/Havana went back from 01:00 to 00:00 on 1 Nov 2015 (CDT -4 to CST -5).
    const { start } = monthRange('2015-11', 'America/Havana');
    expect(start).toBe(at('2015-11-01T04:00:00Z'));
    expect(monthOf(start - 1, 'America/Havana')).toBe('2015-10');
  });

  it('refuses what is not a month', () => {
    expect(() => monthRange('2026-13', 'UTC')).toThrow(/not a month/);
    expect(() => monthRange('2026-11', 'Mars/Olympus')).toThrow(RangeError);
  });
});

describe('monthOf', () => {
  it.each([
    ['UTC', '2026-11-30T23:59:59Z', '2026-11'],
    ['UTC', '2026-12-01T00:00:00Z', '2026-12'],
    ['Asia/Kolkata', '2026-11-30T18:29:59Z', '2026-11'],
    ['Asia/Kolkata', '2026-11-30T18:30:00Z', '2026-12'],
    ['America/Sao_Paulo', '2026-12-01T02:59:59Z', '2026-11'],
    ['Pacific/Chatham', '2026-03-31T10:15:00Z', '2026-04'],
    ['America/Asuncion', '2023-10-01T03:59:59Z', '2023-09'],
    ['America/Asuncion', '2023-10-01T04:00:00Z', '2023-10'],
  ])('in %s, %s is in %s', (zone, iso, month) => {
    expect(monthOf(at(iso), zone)).toBe(month);
  });

  it('agrees with monthRange at every bound of a year in each zone', () => {
    for (const zone of [
      'Europe/Berlin',
      'Pacific/Chatham',
      'America/Asuncion',
    ]) {
      for (let m = 1; m <= 12; m++) {
        const month = `2023-${String(m).padStart(2, '0')}`;
        const { start, end } = monthRange(month, zone);
        expect([monthOf(start, zone), monthOf(end - 1, zone)]).toEqual([
          month,
          month,
        ]);
        expect(monthOf(start - 1, zone)).not.toBe(month);
      }
    }
  });
});

describe('isTimeZone', () => {
  it('knows IANA zones and refuses other names', () => {
    expect(isTimeZone('Asia/Kolkata')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Europe/Atlantis')).toBe(false);
    expect(isTimeZone('+05:30 please')).toBe(false);
  });
});

describe('dayStart', () => {
  it('is the first instant of a day in the zone, where a clock change skips midnight too', () => {
    expect(dayStart('2026-11-03', 'UTC')).toBe(at('2026-11-03T00:00:00Z'));
    expect(dayStart('2026-11-03', 'Asia/Kolkata')).toBe(
      at('2026-11-02T18:30:00Z'),
    );
    expect(dayStart('2026-03-29', 'Europe/Berlin')).toBe(
      at('2026-03-28T23:00:00Z'),
    );
    expect(dayStart('2026-03-30', 'Europe/Berlin')).toBe(
      at('2026-03-29T22:00:00Z'),
    );
    expect(dayStart('2023-10-01', 'America/Asuncion')).toBe(
      at('2023-10-01T04:00:00Z'),
    );
  });

  it.each(['2026-02-30', '2026-13-01', '2026-1-01', '2026-11-01T00:00Z'])(
    'refuses %s',
    date => {
      expect(() => dayStart(date, 'UTC')).toThrow(
        `"${date}" is not a date (YYYY-MM-DD)`,
      );
    },
  );
});
