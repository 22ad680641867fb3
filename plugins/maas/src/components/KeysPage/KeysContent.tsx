import { EmptyState, Progress } from '@backstage/core-components';
import { Box } from '@material-ui/core';
import { useKeyRequests } from '../../hooks/useKeyRequests';
import { useKeys } from '../../hooks/useKeys';
import { ErrorAlert } from '../ErrorAlert';
import { KeyRequestsTable } from '../KeyRequestsTable';
import { KeysTable } from '../KeysTable';
import { KeyQuotas } from '../Quota';

/** Every key of the signed-in user, across models, and their requests still waiting. */
export function KeysContent() {
  const keys = useKeys({ mine: true });
  const requests = useKeyRequests({ mine: true, state: 'pending' });
  const reload = () => {
    keys.retry();
    requests.retry();
  };

  if (keys.loading && !keys.value) return <Progress />;
  if (keys.error)
    return <ErrorAlert error={keys.error} action="see your API keys" />;
  const pending = requests.value ?? [];

  return (
    <Box display="flex" flexDirection="column" style={{ gap: 24 }}>
      {keys.value && keys.value.length === 0 && pending.length === 0 ? (
        <EmptyState
          missing="data"
          title="You have no API keys yet"
          description='Open a model in the catalog, go to its Usage tab and use "Request key".'
        />
      ) : (
        <KeysTable
          title="My API keys"
          keys={keys.value ?? []}
          onChanged={reload}
        />
      )}
      {pending.length > 0 && (
        <KeyRequestsTable
          title="Waiting for approval"
          requests={pending}
          onChanged={reload}
        />
      )}
      <KeyQuotas keys={keys.value ?? []} />
      {requests.error && (
        <ErrorAlert error={requests.error} action="see your key requests" />
      )}
    </Box>
  );
}
