import { Box } from '@material-ui/core';
import { Alert } from '@material-ui/lab';

/** Why an action on a row failed, above its table, until the user dismisses it. */
export function ActionErrorAlert(props: {
  message?: string;
  onClose: () => void;
}) {
  if (!props.message) return null;
  return (
    <Box mb={2}>
      <Alert severity="error" onClose={props.onClose}>
        {props.message}
      </Alert>
    </Box>
  );
}
