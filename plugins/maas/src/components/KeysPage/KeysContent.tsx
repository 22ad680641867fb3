import { EmptyState, Progress } from '@backstage/core-components';
import { Box } from '@material-ui/core';
import { useKeyRequests } from '../../hooks/useKeyRequests';
import { useKeys } from '../../hooks/useKeys';
import { ErrorAlert } from '../ErrorAlert';
import { KeyRequestsTable, requesterView } from '../KeyRequestsTable';
import { KeysTable } from '../KeysTable';
import { KeyQuotas } from '../Quota';

/**
 * Every key of the signed-in user, across models, and their requests: waiting, or decided with
 * who decided, when and the comment (a rejection's reason, a failure's cause).
 */
export function KeysContent() {
  const keys = useKeys({ mine: true });
  const requests = useKeyRequests({ mine: true });
  const reload = () => {
    keys.retry();
    requests.retry();
  };

  if (keys.loading && !keys.value) return <Progress />;
  if (keys.error)
    return <ErrorAlert error={keys.error} action="see your API keys" />;
  const mine = requesterView(requests.value ?? []);

  return (
    <Box display="flex" flexDirection="column" style={{ gap: 24 }}>
      {keys.value && keys.value.length === 0 && mine.length === 0 ? (
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
          more={keys.more}
        />
      )}
      {mine.length > 0 && (
        <KeyRequestsTable
          title="My key requests"
          requests={mine}
          onChanged={reload}
          more={requests.more}
        />
      )}
      <KeyQuotas keys={keys.value ?? []} />
      {requests.error && (
        <ErrorAlert error={requests.error} action="see your key requests" />
      )}
    </Box>
  );
}
