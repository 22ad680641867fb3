/**
 * An amount in `currency` to `decimals` places, as the Costs page and the budget notices show it
 * (`€1,234.50`): one format, so that a notice's amounts are the page's.
 *
 * @public
 */
export function formatMoney(
  amount: number,
  currency: string,
  decimals: number,
): string {
  return new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency,
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  }).format(amount);
}
