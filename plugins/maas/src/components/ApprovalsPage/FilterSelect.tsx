import { makeStyles, MenuItem, TextField } from '@material-ui/core';

// The outlined label's default grey is 4.47:1 on the page background, below WCAG AA (axe:
// color-contrast); the primary text colour reads.
const useStyles = makeStyles(theme => ({
  label: { color: theme.palette.text.primary },
}));

/** What the "All" choice of a filter is worth: no filter. */
export const ALL = '';

/** One filter of the approval queue: a select with its options, "All" first when it has a label. */
export function FilterSelect(props: {
  id: string;
  label: string;
  value: string;
  options: string[];
  allLabel?: string;
  /** How an option reads, when not as its value (a model's name for its entity ref). */
  labelOf?: (option: string) => string;
  onChange: (value: string) => void;
}) {
  const { id, label, value, options, allLabel, labelOf, onChange } = props;
  const classes = useStyles();
  return (
    <TextField
      select
      id={id}
      label={label}
      value={value}
      onChange={e => onChange(e.target.value)}
      style={{ minWidth: 160 }}
      size="small"
      variant="outlined"
      InputLabelProps={{ className: classes.label }}
    >
      {allLabel !== undefined && <MenuItem value={ALL}>{allLabel}</MenuItem>}
      {options.map(o => (
        <MenuItem key={o} value={o}>
          {labelOf ? labelOf(o) : o}
        </MenuItem>
      ))}
    </TextField>
  );
}
