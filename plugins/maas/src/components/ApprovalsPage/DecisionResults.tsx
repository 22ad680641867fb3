import { List, ListItem, ListItemText } from '@material-ui/core';
import { Alert, AlertTitle } from '@material-ui/lab';
import { DecisionResult, KeyRequest } from '@maas-portal/plugin-maas-common';
import { readableModel, readableUser } from '../../format/entityRefs';

export interface DecisionOutcome {
  decision: 'approve' | 'reject';
  results: DecisionResult[];
  /** The requests as they were when decided, to name the failed ones. */
  requests: Map<string, KeyRequest>;
}

/** Some of a decision's results, each named with what was said about it; nothing when none. */
function ResultList(props: {
  label: string;
  results: DecisionResult[];
  name: (id: string) => string;
  detail: (result: DecisionResult) => string | undefined;
}) {
  const { label, results, name, detail } = props;
  if (results.length === 0) return null;
  return (
    <List dense disablePadding aria-label={label}>
      {results.map(result => (
        <ListItem key={result.id} disableGutters>
          <ListItemText primary={name(result.id)} secondary={detail(result)} />
        </ListItem>
      ))}
    </List>
  );
}

/** What a bulk decision did: how many went through, and each one that failed with its reason. */
export function DecisionResults(props: {
  outcome: DecisionOutcome;
  onClose: () => void;
}) {
  const { outcome, onClose } = props;
  const failed = outcome.results.filter(r => !r.ok);
  const warned = outcome.results.filter(r => r.ok && r.warning);
  const done = outcome.results.length - failed.length;
  const name = (id: string) => {
    const request = outcome.requests.get(id);
    return request
      ? `${readableUser(request.userEntityRef)} · ${readableModel(
          request.entityRef,
        )} · ${request.tier}`
      : `Request ${id}`;
  };
  const verb = outcome.decision === 'approve' ? 'approved' : 'rejected';
  let severity: 'success' | 'warning' | 'error' = 'warning';
  if (done === 0) severity = 'error';
  else if (failed.length === 0 && warned.length === 0) severity = 'success';
  return (
    <Alert severity={severity} onClose={onClose} aria-label="Decision results">
      <AlertTitle>
        {done} {verb}
        {failed.length > 0 && `, ${failed.length} failed`}
      </AlertTitle>
      <ResultList
        label="Failed decisions"
        results={failed}
        name={name}
        detail={r => r.error ?? 'failed without a reason'}
      />
      <ResultList
        label="Decisions with warnings"
        results={warned}
        name={name}
        detail={r => r.warning}
      />
    </Alert>
  );
}
