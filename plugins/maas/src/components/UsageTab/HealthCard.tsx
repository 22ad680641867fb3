import {
  InfoCard,
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import {
  Box,
  List,
  ListItem,
  ListItemText,
  makeStyles,
  Typography,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import {
  HealthController,
  HealthReason,
  HealthState,
  HealthVerdict,
  PolicySummary,
} from '@maas-portal/plugin-maas-common';
import { ModelDetails } from '../../api/MaasApi';
import { WarningAlerts } from '../ErrorAlert';
import { TokenCheckLine } from '../Quota';

const useStyles = makeStyles({
  // Reasons are read in full: they wrap between words, and only a token longer than the line
  // (an object name, a URL) breaks inside.
  readable: {
    whiteSpace: 'normal',
    wordBreak: 'normal',
    overflowWrap: 'anywhere',
  },
});

/** "waiting for KServe / the Gateway", for a verdict of a model that is new, not broken. */
export function waitingText(controllers: HealthController[]): string {
  return `waiting for ${controllers.join(' / ')}`;
}

/** "since 12:03:04 (2 min ago)": when a wait began, in the reader's time zone. */
export function sinceText(since: string, now: Date = new Date()): string {
  const began = new Date(since);
  const seconds = Math.max(
    0,
    Math.round((now.getTime() - began.getTime()) / 1000),
  );
  const ago =
    seconds < 60 ? `${seconds} s ago` : `${Math.floor(seconds / 60)} min ago`;
  return `since ${began.toLocaleTimeString('en-GB')} (${ago})`;
}

export function HealthBadge(props: { health: HealthVerdict }) {
  const { state, waitingFor } = props.health;
  if (waitingFor?.length) {
    return <StatusPending>{waitingText(waitingFor)}</StatusPending>;
  }
  return <StateBadge state={state} />;
}

function StateBadge(props: { state: HealthState }) {
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

/** One object of the model, with what the cluster says of it and the reasons about it. */
interface HealthObject {
  label: string;
  state: string;
  reasons: HealthReason[];
}

/**
 * Each object of the model once: the InferenceService, the HTTPRoute and the policies on it, each
 * with its reasons; a reason about an object the model does not list gets a row of its own.
 */
export function healthObjects(model: ModelDetails): HealthObject[] {
  const { inferenceService: isvc, route, policies, health } = model;
  const objects: HealthObject[] = [
    {
      label: `InferenceService ${isvc.namespace}/${isvc.name}`,
      state: isvc.found ? isvc.modelState ?? 'found' : 'not found',
      reasons: [],
    },
  ];
  if (route) {
    objects.push({
      label: `HTTPRoute ${route.namespace}/${route.name}`,
      state: route.found ? 'found' : 'not found',
      reasons: [],
    });
  }
  for (const p of policies) {
    objects.push({
      label: `${p.kind} ${p.namespace}/${p.name} (on the ${p.attachedTo})`,
      state: policyState(p),
      reasons: [],
    });
  }
  // A wait that went on past the backend's grace period is no longer "waiting": it is what the
  // severity says.
  const reasons = health.waitingFor?.length
    ? health.reasons
    : health.reasons.map(({ waitingFor: _, ...reason }) => reason);
  for (const reason of reasons) {
    const known = objects.find(o => o.label === reason.object);
    if (known) known.reasons.push(reason);
    else objects.push({ label: reason.object, state: '', reasons: [reason] });
  }
  return objects;
}

function ObjectStatus(props: { object: HealthObject }) {
  const { reasons } = props.object;
  if (reasons.length === 0) return <StatusOK />;
  if (reasons.some(r => r.severity === 'unhealthy' && !r.waitingFor)) {
    return <StatusError />;
  }
  if (reasons.every(r => r.waitingFor)) return <StatusPending />;
  return <StatusWarning />;
}

const reasonText = (r: HealthReason) =>
  r.waitingFor
    ? `waiting for ${r.waitingFor}: ${r.message}`
    : `${r.severity}: ${r.message}`;

/** A model's health verdict: each of its objects once, with the reasons about it in full. */
export function HealthCard(props: { model: ModelDetails }) {
  const { model } = props;
  const classes = useStyles();
  const objects = healthObjects(model);
  return (
    <InfoCard title="Health">
      <Box display="flex" flexDirection="column" style={{ gap: 12 }}>
        <Box role="status" aria-label="Health" fontSize="h6.fontSize">
          <HealthBadge health={model.health} />
          {model.health.waitingFor?.length && model.health.waitingSince ? (
            <Typography variant="body2" color="textSecondary">
              {sinceText(model.health.waitingSince)}: a new or just changed
              model takes seconds to a few minutes until its controllers report.
            </Typography>
          ) : null}
        </Box>
        <List dense aria-label="Model objects" disablePadding>
          {objects.map(o => (
            <ListItem key={o.label} disableGutters alignItems="flex-start">
              <ListItemText
                className={classes.readable}
                primary={
                  <>
                    <ObjectStatus object={o} />
                    {o.state ? `${o.label}: ${o.state}` : o.label}
                  </>
                }
                secondary={
                  o.reasons.length > 0
                    ? o.reasons.map(r => (
                        <Box
                          component="span"
                          display="block"
                          key={r.message}
                          className={classes.readable}
                        >
                          {reasonText(r)}
                        </Box>
                      ))
                    : undefined
                }
              />
            </ListItem>
          ))}
        </List>
        {model.cache.ageSeconds > 0 && (
          <Alert severity="warning">
            The portal lost its watch on the cluster{' '}
            {Math.round(model.cache.ageSeconds)} seconds ago; what you see may
            be out of date.
          </Alert>
        )}
        <WarningAlerts warnings={model.warnings} />
        {model.entityRef && <TokenCheckLine entityRef={model.entityRef} />}
      </Box>
    </InfoCard>
  );
}
