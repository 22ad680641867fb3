import { RateLimit } from '@maas-portal/plugin-maas-common';

/** `100 per 1m`, for a tier's limits; several rates joined. */
export function formatRates(rates: RateLimit[]): string {
  if (rates.length === 0) return '—';
  return rates
    .map(r => `${r.limit.toLocaleString('en-US')} per ${r.window}`)
    .join(', ');
}

/** Big counts short enough for a legend: 1,234 / 12.3k / 4.5M. */
export function formatCount(value: number): string {
  if (Math.abs(value) >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (Math.abs(value) >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
  return Math.round(value).toLocaleString('en-US');
}
