import { MenuItem, TextField } from '@material-ui/core';
import { TierChoice } from './tierChoices';

/**
 * A required select of tiers, each marked automatic or needing approval; the helper text says
 * what choosing the selected one means.
 */
export function TierSelect(props: {
  id: string;
  label: string;
  tiers: TierChoice[];
  value: string;
  onChange: (tier: string) => void;
  /** What happens with an automatic tier, and with one an approver decides. */
  hints: { auto: string; manual: string };
}) {
  const { id, label, tiers, value, onChange, hints } = props;
  const chosen = tiers.find(t => t.name === value);
  return (
    <TextField
      select
      required
      id={id}
      label={label}
      value={value}
      onChange={e => onChange(e.target.value)}
      helperText={
        chosen &&
        `${chosen.summary ? `${chosen.summary}. ` : ''}${
          chosen.approval === 'auto' ? hints.auto : hints.manual
        }`
      }
    >
      {tiers.map(t => (
        <MenuItem key={t.name} value={t.name}>
          {t.name} ({t.approval === 'auto' ? 'automatic' : 'needs approval'})
        </MenuItem>
      ))}
    </TextField>
  );
}
