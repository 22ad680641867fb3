import { Button, DialogActions } from '@material-ui/core';

export interface DialogButtonsProps {
  /** The one thing the dialog does, e.g. `Revoke` or `Request key`. */
  label: string;
  color: 'primary' | 'secondary';
  disabled?: boolean;
  onCancel: () => void;
  /** Left out, the button submits the dialog's form. */
  onConfirm?: () => void;
}

/** Cancel, and the dialog's one action beside it. */
export function DialogButtons(props: DialogButtonsProps) {
  const { label, color, disabled, onCancel, onConfirm } = props;
  return (
    <DialogActions>
      <Button onClick={onCancel}>Cancel</Button>
      <Button
        type={onConfirm ? 'button' : 'submit'}
        color={color}
        variant="contained"
        disabled={disabled}
        onClick={onConfirm}
      >
        {label}
      </Button>
    </DialogActions>
  );
}
