import { StatusOK, StatusWarning } from '@backstage/core-components';
import { Alert } from '@material-ui/lab';
import { useTokenCheck } from '../../hooks/useTokenCheck';

/**
 * The health card's line on token limits: whether Limitador counts the tokens the model serves,
 * with the figures. Only for holders of maas.usage.read-all (the figures are everyone's); others,
 * and models without a token limit, get nothing.
 */
export function TokenCheckLine(props: { entityRef: string }) {
  const check = useTokenCheck(props.entityRef);
  const value = check.value;
  if (!value || value.state === 'no-token-limit') return null;
  if (value.state === 'not-counted') {
    return (
      <Alert severity="warning" aria-label="Token limits">
        {value.message}
      </Alert>
    );
  }
  return (
    <div aria-label="Token limits">
      {value.state === 'counted' ? <StatusOK /> : <StatusWarning />}
      {value.message}
    </div>
  );
}
