import {
  Dialog,
  DialogContent,
  DialogContentText,
  DialogTitle,
} from '@material-ui/core';
import { ReactNode } from 'react';
import { DialogButtons } from '../FormDialog';

export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

/** A question with two answers, for actions that cannot be undone. */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const { open, title, children, confirmLabel, busy, onConfirm, onCancel } =
    props;
  return (
    <Dialog open={open} onClose={onCancel} aria-labelledby="maas-confirm-title">
      <DialogTitle id="maas-confirm-title">{title}</DialogTitle>
      <DialogContent>
        <DialogContentText component="div">{children}</DialogContentText>
      </DialogContent>
      <DialogButtons
        label={confirmLabel}
        color="secondary"
        disabled={busy}
        onCancel={onCancel}
        onConfirm={onConfirm}
      />
    </Dialog>
  );
}
