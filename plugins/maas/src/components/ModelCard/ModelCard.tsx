import { stringifyEntityRef } from '@backstage/catalog-model';
import { InfoCard, Link, Progress } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Box, Typography } from '@material-ui/core';
import { useModel } from '../../hooks/useModel';
import { ErrorAlert } from '../ErrorAlert';
import { HealthBadge } from '../UsageTab/HealthCard';

const AUTH: Record<string, string> = {
  'api-key': 'API key',
  oidc: 'OIDC token',
  none: 'none',
  unknown: 'unknown',
};

/**
 * The model at a glance, for the Overview of its entity: health, endpoint, name to call it by
 * and how to authenticate, with the way to the Usage tab for keys, limits and examples.
 */
export function ModelCard() {
  const { entity } = useEntity();
  const model = useModel(stringifyEntityRef(entity));
  return (
    <InfoCard
      title="Model"
      deepLink={{ title: 'Keys, limits and examples', link: 'usage' }}
    >
      {model.loading && !model.value && <Progress />}
      {model.error && (
        <ErrorAlert
          error={model.error}
          action="see this model"
          unavailableTitle="No cluster is connected"
        />
      )}
      {model.value && (
        <Box display="flex" flexDirection="column" style={{ gap: 8 }}>
          <Box role="status" aria-label="Health">
            <HealthBadge health={model.value.health} />
          </Box>
          <Typography variant="body2">
            Endpoint:{' '}
            {model.value.url ? (
              <Link to={model.value.url} style={{ overflowWrap: 'anywhere' }}>
                {model.value.url}
              </Link>
            ) : (
              'none yet (no HTTPRoute with a hostname)'
            )}
          </Typography>
          <Typography variant="body2">
            Call it as <code>{model.value.modelName}</code>; authenticate with:{' '}
            {AUTH[model.value.authMode]}.
          </Typography>
        </Box>
      )}
    </InfoCard>
  );
}
