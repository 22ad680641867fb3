import { currentMonth, formatRange } from './costFormat';

describe('formatRange', () => {
  it("writes the range in the report's zone, named", () => {
    const start = Date.UTC(2026, 9, 31, 23) / 1000; // 1 Nov 00:00 in Berlin (CET)
    const end = Date.UTC(2026, 10, 15, 11) / 1000;
    expect(formatRange({ start, end, timeZone: 'Europe/Berlin' })).toBe(
      '1 Nov 2026, 00:00 – 15 Nov 2026, 12:00 Europe/Berlin',
    );
    expect(formatRange({ start, end, timeZone: 'UTC' })).toBe(
      '31 Oct 2026, 23:00 – 15 Nov 2026, 11:00 UTC',
    );
  });
});

describe('currentMonth', () => {
  it('is the month of the zone, which may differ from UTC', () => {
    // 20:00 UTC on 30 Nov: still November in UTC and São Paulo, December in Kolkata.
    const now = new Date(Date.UTC(2026, 10, 30, 20));
    expect(currentMonth('UTC', now)).toBe('2026-11');
    expect(currentMonth('America/Sao_Paulo', now)).toBe('2026-11');
    expect(currentMonth('Asia/Kolkata', now)).toBe('2026-12');
    expect(currentMonth(undefined, now)).toBe('2026-11');
  });
});
