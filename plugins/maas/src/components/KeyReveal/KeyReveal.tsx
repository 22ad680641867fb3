import { CopyTextButton } from '@backstage/core-components';
import { Box, Dialog, DialogTitle, Typography } from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { IssuedKey } from '@maas-portal/plugin-maas-common';
import { readableModel } from '../../format/entityRefs';
import { DialogOutcome } from '../FormDialog';

/** The value of a new key, shown once: monospace, a copy button and a plain warning. */
export function KeyReveal(props: { issued: IssuedKey }) {
  const { key, value } = props.issued;
  return (
    <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
      <Alert severity="warning">
        This key will not be shown again. Store it now.
      </Alert>
      <Typography variant="body2">
        Key for <strong>{readableModel(key.entityRef)}</strong> at tier{' '}
        <strong>{key.tier}</strong>
      </Typography>
      <Box display="flex" alignItems="center" style={{ gap: 8 }}>
        <Box
          component="code"
          aria-label="API key value"
          fontFamily="monospace"
          fontSize="1rem"
          padding={1}
          bgcolor="action.hover"
          borderRadius={4}
          flexGrow={1}
          style={{ wordBreak: 'break-all' }}
        >
          {value}
        </Box>
        <CopyTextButton
          text={value}
          tooltipText="Key copied"
          aria-label="Copy key"
        />
      </Box>
    </Box>
  );
}

/** {@link KeyReveal} with the one button that closes it, for inside a dialog. */
export function KeyRevealContent(props: {
  /** Left out while the dialog closes. */
  issued?: IssuedKey;
  onDone: () => void;
}) {
  return (
    <DialogOutcome
      closeLabel="I have stored it"
      emphasised
      onClose={props.onDone}
    >
      {props.issued && <KeyReveal issued={props.issued} />}
    </DialogOutcome>
  );
}

/**
 * {@link KeyReveal} in a dialog that only the confirmation closes, so that the key is not lost
 * by a stray click outside.
 */
export function KeyRevealDialog(props: {
  issued?: IssuedKey;
  onDone: () => void;
}) {
  const { issued, onDone } = props;
  return (
    <Dialog
      open={!!issued}
      aria-labelledby="maas-key-reveal-title"
      maxWidth="sm"
      fullWidth
    >
      <DialogTitle id="maas-key-reveal-title">Your new API key</DialogTitle>
      <KeyRevealContent issued={issued} onDone={onDone} />
    </Dialog>
  );
}
