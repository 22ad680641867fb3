import {
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { ReactNode } from 'react';
import { DialogButtons } from './DialogButtons';

export interface FormDialogProps {
  open: boolean;
  /** The id of the title, which names the dialog. */
  titleId: string;
  title: ReactNode;
  /** What the dialog shows once the form was sent, in place of the form. */
  outcome?: ReactNode;
  /** Set while the outcome must be confirmed, e.g. a key shown once: a click outside does not close. */
  modal?: boolean;
  submitLabel: string;
  canSubmit: boolean;
  /** Called on submit, only while `canSubmit` holds. */
  onSubmit: () => void;
  onClose: () => void;
  /** The form's fields, in a column. */
  children: ReactNode;
}

/** A dialog with a form, Cancel and one submit button; once sent, it shows the outcome instead. */
export function FormDialog(props: FormDialogProps) {
  const {
    open,
    titleId,
    title,
    outcome,
    modal,
    submitLabel,
    canSubmit,
    onSubmit,
    onClose,
    children,
  } = props;
  return (
    <Dialog
      open={open}
      onClose={modal ? undefined : onClose}
      aria-labelledby={titleId}
      maxWidth="sm"
      fullWidth
    >
      <DialogTitle id={titleId}>{title}</DialogTitle>
      {outcome ?? (
        <form
          onSubmit={event => {
            event.preventDefault();
            if (canSubmit) onSubmit();
          }}
          noValidate
        >
          <DialogContent>
            <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
              {children}
            </Box>
          </DialogContent>
          <DialogButtons
            label={submitLabel}
            color="primary"
            disabled={!canSubmit}
            onCancel={onClose}
          />
        </form>
      )}
    </Dialog>
  );
}

/** What a dialog shows once its form was sent, and the one button that closes it. */
export function DialogOutcome(props: {
  children: ReactNode;
  closeLabel: string;
  /** For a step the user must take, e.g. storing a key before it is gone. */
  emphasised?: boolean;
  onClose: () => void;
}) {
  const { children, closeLabel, emphasised, onClose } = props;
  return (
    <>
      <DialogContent>{children}</DialogContent>
      <DialogActions>
        <Button
          color={emphasised ? 'primary' : undefined}
          variant={emphasised ? 'contained' : undefined}
          onClick={onClose}
        >
          {closeLabel}
        </Button>
      </DialogActions>
    </>
  );
}

/** The outcome of a sent form that needs no more than reading: a success note and Close. */
export function SentNotice(props: {
  children: ReactNode;
  onClose: () => void;
}) {
  return (
    <DialogOutcome closeLabel="Close" onClose={props.onClose}>
      <Alert severity="success">{props.children}</Alert>
    </DialogOutcome>
  );
}
