/** A timestamp for tables: local date and time to the minute; a dash when absent. */
export function formatDateTime(iso: string | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString('en-GB', {
    year: 'numeric',
    month: 'short',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  });
}

/** A chart tick: `HH:mm` for ranges within a day, `ddd dd MMM` for longer ones. */
export function formatTick(unixSeconds: number, longRange: boolean): string {
  const date = new Date(unixSeconds * 1000);
  return longRange
    ? date.toLocaleDateString('en-GB', {
        weekday: 'short',
        day: '2-digit',
        month: 'short',
      })
    : date.toLocaleTimeString('en-GB', {
        hour: '2-digit',
        minute: '2-digit',
        hour12: false,
      });
}

/** A tooltip label: date and time of a step's end. */
export function formatInstant(unixSeconds: number): string {
  return formatDateTime(new Date(unixSeconds * 1000).toISOString());
}
