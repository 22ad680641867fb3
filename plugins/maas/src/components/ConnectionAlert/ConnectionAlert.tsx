import { Alert, AlertTitle } from '@material-ui/lab';
import { ConnectionStatus } from '@maas-portal/plugin-maas-common';

/** One line about a piece the portal could not reach, and what to do about it. */
export function ConnectionAlert(props: { what: string; status: ConnectionStatus }) {
  const { what, status } = props;
  if (status.state === 'connected') return null;
  return (
    <Alert severity={status.state === 'unreachable' ? 'error' : 'warning'}>
      <AlertTitle>
        {status.state === 'unreachable' ? `${what} is unreachable` : `No ${what.toLowerCase()} connected`}
      </AlertTitle>
      {status.message}
    </Alert>
  );
}
