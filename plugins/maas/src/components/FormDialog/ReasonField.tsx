import { TextField } from '@material-ui/core';

/** The required reason of a request, which approvers read. */
export function ReasonField(props: {
  id: string;
  value: string;
  onChange: (reason: string) => void;
  /** What to write, e.g. what the model is for. */
  helperText: string;
}) {
  const { id, value, onChange, helperText } = props;
  return (
    <TextField
      required
      multiline
      minRows={2}
      id={id}
      label="Reason"
      value={value}
      onChange={e => onChange(e.target.value)}
      helperText={helperText}
    />
  );
}
