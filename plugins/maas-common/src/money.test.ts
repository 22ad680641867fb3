import { formatMoney } from './money';

describe('formatMoney', () => {
  it("writes an amount in the currency to the price sheet's decimals", () => {
    expect(formatMoney(1234.5, 'EUR', 2)).toBe('€1,234.50');
    expect(formatMoney(0.0042, 'USD', 4)).toBe('$0.0042');
    expect(formatMoney(12, 'JPY', 0)).toBe('¥12');
  });
});
