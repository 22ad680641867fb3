import { useApi } from '@backstage/core-plugin-api';
import { Box, Button, CircularProgress } from '@material-ui/core';
import { Alert, AlertTitle } from '@material-ui/lab';
import { EntityBinding } from '@maas-portal/plugin-maas-common';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { maasApiRef } from '../../api/MaasApi';
import { ErrorAlert } from '../ErrorAlert';

/**
 * What the Usage tab shows for an entity its model's InferenceService does not name back: why,
 * and nothing to request or read. An admin may adopt a model deployed outside the portal.
 */
export function NotBoundCard(props: {
  binding: EntityBinding;
  onAdopted: () => void;
}) {
  const { binding, onAdopted } = props;
  const api = useApi(maasApiRef);
  const [adoption, adopt] = useAsyncFn(async () => {
    await api.adoptModel(binding.entityRef);
    onAdopted();
  }, [api, binding.entityRef, onAdopted]);

  return (
    <Box display="flex" flexDirection="column" gridGap={16}>
      <Alert severity="info">
        <AlertTitle>This entity is not bound to a model</AlertTitle>
        {binding.reason} Keys and usage are offered only on the entity the
        model's InferenceService names.
        {!binding.canAdopt &&
          ' If the model is yours, ask a portal administrator to adopt it.'}
      </Alert>
      {binding.canAdopt && (
        <Box>
          <Button
            variant="contained"
            color="primary"
            disabled={adoption.loading}
            onClick={() => adopt()}
            startIcon={
              adoption.loading ? <CircularProgress size={16} /> : undefined
            }
          >
            Adopt {binding.inferenceService} for this entity
          </Button>
        </Box>
      )}
      {adoption.error && (
        <ErrorAlert error={adoption.error} action="adopt this model" />
      )}
    </Box>
  );
}
