import { Button, Grid, MenuItem, TextField } from '@material-ui/core';
import { DEFAULT_COST_TIME_ZONE } from '@maas-portal/plugin-maas-common';
import { useState } from 'react';
import { CostQuery } from '../../api/MaasApi';
import { currentMonth } from './costFormat';

/**
 * A calendar month in the backend's zone (`timeZone`, as its reports say; UTC until one is read),
 * or a custom range of days in that zone (from the first day's midnight to the midnight after the
 * last); the custom range applies on
 * "Show", so that half-typed dates ask the backend nothing.
 */
export function CostRangePicker(props: {
  query: CostQuery;
  onChange: (query: CostQuery) => void;
  timeZone?: string;
}) {
  const { query, onChange } = props;
  const timeZone = props.timeZone ?? DEFAULT_COST_TIME_ZONE;
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
            if (next === 'month') onChange({ month: currentMonth(timeZone) });
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
            label={`Month (${timeZone})`}
            value={query.month ?? currentMonth(timeZone)}
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
              label={`From (${timeZone})`}
              value={start}
              onChange={e => setStart(e.target.value)}
              InputLabelProps={{ shrink: true }}
            />
          </Grid>
          <Grid item>
            <TextField
              type="date"
              id="maas-costs-to"
              label={`To (${timeZone}, inclusive)`}
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
