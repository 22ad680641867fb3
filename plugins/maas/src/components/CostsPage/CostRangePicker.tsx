import { Button, Grid, MenuItem, TextField } from '@material-ui/core';
import { useState } from 'react';
import { CostQuery } from '../../api/MaasApi';
import { currentMonth } from './costFormat';

/**
 * A calendar month (UTC), or a custom range of days; the custom range applies on "Show", so
 * that half-typed dates ask the backend nothing.
 */
export function CostRangePicker(props: {
  query: CostQuery;
  onChange: (query: CostQuery) => void;
}) {
  const { query, onChange } = props;
  const [mode, setMode] = useState<'month' | 'custom'>(
    query.start ? 'custom' : 'month',
  );
  const [start, setStart] = useState(query.start ?? `${currentMonth()}-01`);
  const [end, setEnd] = useState(
    query.end ?? new Date().toISOString().slice(0, 10),
  );
  return (
    <Grid container spacing={2} alignItems="center">
      <Grid item>
        <TextField
          select
          id="maas-costs-range"
          label="Range"
          value={mode}
          onChange={e => {
            const next = e.target.value as 'month' | 'custom';
            setMode(next);
            if (next === 'month') onChange({ month: currentMonth() });
          }}
        >
          <MenuItem value="month">Calendar month</MenuItem>
          <MenuItem value="custom">Custom range</MenuItem>
        </TextField>
      </Grid>
      {mode === 'month' ? (
        <Grid item>
          <TextField
            type="month"
            id="maas-costs-month"
            label="Month (UTC)"
            value={query.month ?? currentMonth()}
            onChange={e =>
              e.target.value && onChange({ month: e.target.value })
            }
            InputLabelProps={{ shrink: true }}
          />
        </Grid>
      ) : (
        <>
          <Grid item>
            <TextField
              type="date"
              id="maas-costs-from"
              label="From (UTC)"
              value={start}
              onChange={e => setStart(e.target.value)}
              InputLabelProps={{ shrink: true }}
            />
          </Grid>
          <Grid item>
            <TextField
              type="date"
              id="maas-costs-to"
              label="To (UTC, inclusive)"
              value={end}
              onChange={e => setEnd(e.target.value)}
              InputLabelProps={{ shrink: true }}
            />
          </Grid>
          <Grid item>
            <Button
              variant="outlined"
              disabled={!start || !end}
              onClick={() => onChange({ start, end: dayAfter(end) })}
            >
              Show
            </Button>
          </Grid>
        </>
      )}
    </Grid>
  );
}

/** The range's end is exclusive: "to 15 Nov" means up to midnight after it. */
function dayAfter(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
