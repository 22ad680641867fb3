import { Progress, Table, TableColumn } from '@backstage/core-components';
import { Box, Checkbox, Typography } from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { KeyRequest, KeyRequestState } from '@maas-portal/plugin-maas-common';
import { useMemo, useRef, useState } from 'react';
import { useKeyRequests } from '../../hooks/useKeyRequests';
import { readableModel } from '../../format/entityRefs';
import { ErrorAlert } from '../ErrorAlert';
import { ActorName, RequestDecision } from '../KeyRequestsTable';
import { KeyRevealDialog } from '../KeyReveal';
import {
  dateColumn,
  modelColumns,
  requestKindColumn,
  wordColumn,
} from '../table/columns';
import { LoadMore } from '../table/LoadMore';
import { tableOptions } from '../table/options';
import { sortIcons } from '../table/sortArrows';
import { DecisionBar } from './DecisionBar';
import { DecisionResults } from './DecisionResults';
import { ALL, FilterSelect } from './FilterSelect';
import { useDecisions } from './useDecisions';

const STATES: Array<KeyRequestState | 'all'> = [
  'pending',
  'approved',
  'issued',
  'rejected',
  'cancelled',
  'failed',
  'all',
];

/** The fields a request can be filtered by besides its state: one select each, "All" first. */
const FIELD_FILTERS = [
  {
    field: 'entityRef',
    label: 'Model',
    allLabel: 'All models',
    labelOf: readableModel,
  },
  { field: 'tier', label: 'Tier', allLabel: 'All tiers', labelOf: undefined },
] as const;
type FilterField = (typeof FIELD_FILTERS)[number]['field'];
const NO_FILTER: Record<FilterField, string> = { entityRef: ALL, tier: ALL };

/**
 * Key requests for an approver: filter by state, model and tier, pick pending ones and approve
 * or reject them at once with a comment. Some may fail while others pass; each failure is listed.
 */
export function ApprovalQueue(props: { onDecided: () => void }) {
  const [state, setState] = useState<KeyRequestState | 'all'>('pending');
  const [filters, setFilters] = useState(NO_FILTER);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const requests = useKeyRequests({
    state: state === 'all' ? undefined : state,
  });

  const all = requests.value;
  const shown = useMemo(
    () =>
      (all ?? []).filter(r =>
        FIELD_FILTERS.every(
          ({ field }) => filters[field] === ALL || r[field] === filters[field],
        ),
      ),
    [all, filters],
  );
  const selectable = useMemo(
    () => shown.filter(r => r.state === 'pending' && r.canDecide !== false),
    [shown],
  );
  const chosen = selectable.filter(r => selected.has(r.id));
  const allChosen =
    selectable.length > 0 && chosen.length === selectable.length;

  const toggle = (id: string) =>
    setSelected(previous => {
      const next = new Set(previous);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const toggleRef = useRef(toggle);
  toggleRef.current = toggle;

  const decisions = useDecisions({
    onDecided: failedIds => {
      // The failed ones stay selected, to try again or decide otherwise.
      setSelected(new Set(failedIds));
      requests.retry();
      props.onDecided();
    },
  });

  const columns = useMemo<TableColumn<KeyRequest>[]>(
    () => [
      {
        title: 'Select',
        sorting: false,
        width: '48px',
        render: r => (
          <Checkbox
            size="small"
            checked={selected.has(r.id)}
            disabled={r.state !== 'pending' || r.canDecide === false}
            onChange={() => toggleRef.current(r.id)}
            inputProps={{
              'aria-label': `Select request of ${r.userEntityRef} for ${r.model} at tier ${r.tier}`,
            }}
          />
        ),
      },
      ...modelColumns<KeyRequest>(true),
      {
        title: 'User',
        field: 'userEntityRef',
        render: r => <ActorName actor={r.userEntityRef} />,
      },
      { title: 'Key name', field: 'name', render: r => r.name ?? '—' },
      requestKindColumn,
      wordColumn<KeyRequest>('Tier', 'tier'),
      {
        title: 'Lifetime',
        field: 'expiresInDays',
        // What an approval grants: a tier change keeps its key's expiry.
        render: r =>
          r.expiresInDays === undefined
            ? '—'
            : `${r.expiresInDays} day${r.expiresInDays === 1 ? '' : 's'}`,
      },
      { title: 'Reason', field: 'reason' },
      dateColumn<KeyRequest>('Asked', 'createdAt'),
      {
        title: 'State',
        field: 'state',
        // Decided ones with the decision: "rejected: <comment>", "failed: <why no key came>".
        render: r => <RequestDecision request={r} />,
      },
    ],
    [selected],
  );

  return (
    <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
      <Box
        display="flex"
        flexWrap="wrap"
        alignItems="center"
        style={{ gap: 16 }}
      >
        <FilterSelect
          id="maas-approvals-state"
          label="State"
          value={state}
          options={STATES}
          onChange={v => {
            setState(v as KeyRequestState | 'all');
            setSelected(new Set());
          }}
        />
        {FIELD_FILTERS.map(({ field, label, allLabel, labelOf }) => (
          <FilterSelect
            key={field}
            id={`maas-approvals-${field}`}
            label={label}
            value={filters[field]}
            options={[...new Set((all ?? []).map(r => r[field]))].sort()}
            labelOf={labelOf}
            allLabel={allLabel}
            onChange={v => setFilters(f => ({ ...f, [field]: v }))}
          />
        ))}
      </Box>
      {requests.loading && !all && <Progress />}
      {requests.error && (
        <ErrorAlert error={requests.error} action="review key requests" />
      )}
      {all && (
        <>
          <DecisionBar
            chosen={chosen}
            selectable={selectable.length}
            allChosen={allChosen}
            onToggleAll={() =>
              setSelected(
                allChosen ? new Set() : new Set(selectable.map(r => r.id)),
              )
            }
            decisions={decisions}
          />
          {decisions.error && <Alert severity="error">{decisions.error}</Alert>}
          {decisions.outcome && (
            <DecisionResults
              outcome={decisions.outcome}
              onClose={decisions.clearOutcome}
            />
          )}
          {shown.some(r => r.state === 'pending') &&
            selectable.length === 0 && (
              <Alert severity="info" style={{ marginBottom: 16 }}>
                You decide key requests for the models you own, or as a member
                of a MaaS admin group. None of the pending requests shown here
                is yours to decide.
              </Alert>
            )}
          <Table<KeyRequest>
            title="Key requests"
            columns={columns}
            icons={sortIcons}
            data={shown}
            options={tableOptions({
              pageSize: 20,
              paging: true,
              search: true,
            })}
            emptyContent={
              <Box p={2}>
                <Typography variant="body2">
                  {state === 'pending' &&
                  FIELD_FILTERS.every(({ field }) => filters[field] === ALL)
                    ? 'No key requests wait for a decision.'
                    : 'No key requests match these filters.'}
                </Typography>
              </Box>
            }
          />
          <LoadMore more={requests.more} shown={all.length} what="requests" />
        </>
      )}
      {decisions.ownKey && (
        <Alert severity="success">
          You approved your own request (self-approval is on for this portal):
          the key was issued to you and is shown once.
        </Alert>
      )}
      <KeyRevealDialog
        issued={decisions.ownKey}
        onDone={decisions.clearOwnKey}
      />
    </Box>
  );
}
