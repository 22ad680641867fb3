import { ResponseErrorPanel } from '@backstage/core-components';
import { ResponseError } from '@backstage/errors';
import { Alert, AlertTitle } from '@material-ui/lab';

/** The backend's own sentence for an error: it says what is wrong and what to do next. */
export function errorMessage(error: Error): string {
  return ResponseError.is(error) ? error.cause.message : error.message;
}

export function errorStatus(error: Error): number | undefined {
  return ResponseError.is(error) ? error.statusCode : undefined;
}

export interface ErrorAlertProps {
  error: Error;
  /** What the user tried, completing "You may not …", e.g. "see this model". */
  action: string;
  /** Title for a 503: the piece the portal lacks, e.g. "No cluster is connected". */
  unavailableTitle?: string;
}

/**
 * An error as a person can act on it: 403 says what they may not do, 503 says which piece is
 * missing (with the backend's instructions); anything else shows the full error.
 */
export function ErrorAlert(props: ErrorAlertProps) {
  const { error, action, unavailableTitle } = props;
  const status = errorStatus(error);
  if (status === 403) {
    return (
      <Alert severity="warning">
        <AlertTitle>You may not {action}</AlertTitle>
        {errorMessage(error)}. Ask the model's owner or a portal administrator
        for access.
      </Alert>
    );
  }
  if (status === 503) {
    return (
      <Alert severity="warning">
        <AlertTitle>
          {unavailableTitle ?? 'The service is unavailable'}
        </AlertTitle>
        {errorMessage(error)}
      </Alert>
    );
  }
  if (status === 404) {
    return (
      <Alert severity="info">
        <AlertTitle>Not found</AlertTitle>
        {errorMessage(error)}
      </Alert>
    );
  }
  return <ResponseErrorPanel error={error} />;
}
