import {
  InfoCard,
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import {
  Box,
  List,
  ListItem,
  ListItemText,
  Typography,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { HealthState, PolicySummary } from '@maas-portal/plugin-maas-common';
import { ModelDetails } from '../../api/MaasApi';

export function HealthBadge(props: { state: HealthState }) {
  switch (props.state) {
    case 'healthy':
      return <StatusOK>healthy</StatusOK>;
    case 'degraded':
      return <StatusWarning>degraded</StatusWarning>;
    default:
      return <StatusError>unhealthy</StatusError>;
  }
}

function policyState(policy: PolicySummary): string {
  if (policy.enforced) return 'enforced';
  if (policy.accepted === false) return 'not accepted';
  if (policy.accepted) return 'accepted, not enforced';
  return 'state unknown';
}

/** A model's health verdict with its reasons, its objects and the policies on its route. */
export function HealthCard(props: { model: ModelDetails }) {
  const { model } = props;
  const { health, inferenceService, route, policies, cache, warnings } = model;
  return (
    <InfoCard title="Health">
      <Box display="flex" flexDirection="column" style={{ gap: 12 }}>
        <Typography variant="h6" component="div" aria-label="Health">
          <HealthBadge state={health.state} />
        </Typography>
        {health.reasons.length > 0 && (
          <List dense aria-label="Health reasons" disablePadding>
            {health.reasons.map((reason, i) => (
              <ListItem key={i} disableGutters>
                <ListItemText
                  primary={reason.object}
                  secondary={`${reason.severity}: ${reason.message}`}
                />
              </ListItem>
            ))}
          </List>
        )}
        <Typography variant="body2">
          InferenceService {inferenceService.namespace}/{inferenceService.name}:{' '}
          {inferenceService.found
            ? inferenceService.modelState ?? 'found'
            : 'not found'}
        </Typography>
        <Typography variant="body2">
          {route
            ? `HTTPRoute ${route.namespace}/${route.name}: ${
                route.found ? 'found' : 'not found'
              }`
            : 'No HTTPRoute is named for this model.'}
        </Typography>
        {policies.length > 0 && (
          <List dense aria-label="Policies" disablePadding>
            {policies.map(p => (
              <ListItem
                key={`${p.kind}/${p.namespace}/${p.name}`}
                disableGutters
              >
                <ListItemText
                  primary={`${p.kind} ${p.namespace}/${p.name}`}
                  secondary={`on the ${p.attachedTo}, ${policyState(p)}`}
                />
              </ListItem>
            ))}
          </List>
        )}
        {cache.ageSeconds > 0 && (
          <Alert severity="warning">
            The portal lost its watch on the cluster{' '}
            {Math.round(cache.ageSeconds)} seconds ago; what you see may be out
            of date.
          </Alert>
        )}
        {warnings.map(w => (
          <Alert key={w} severity="info">
            {w}
          </Alert>
        ))}
      </Box>
    </InfoCard>
  );
}
