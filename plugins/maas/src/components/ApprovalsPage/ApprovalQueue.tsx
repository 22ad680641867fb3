import { Progress, Table, TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  Box,
  Button,
  Checkbox,
  FormControlLabel,
  MenuItem,
  TextField,
  Typography,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { KeyRequest, KeyRequestState } from '@maas-portal/plugin-maas-common';
import { useMemo, useRef, useState } from 'react';
import { maasApiRef } from '../../api/MaasApi';
import { useKeyRequests } from '../../hooks/useKeyRequests';
import { ErrorAlert, errorMessage } from '../ErrorAlert';
import {
  dateColumn,
  modelColumns,
  requestKindColumn,
  wordColumn,
} from '../table/columns';
import { readableUser } from '../../format/entityRefs';
import { tableOptions } from '../table/options';
import { sortIcons } from '../table/sortArrows';
import { useNoWrapStyles } from '../layout/noWrap';
import { DecisionOutcome, DecisionResults } from './DecisionResults';

const STATES: Array<KeyRequestState | 'all'> = [
  'pending',
  'approved',
  'issued',
  'rejected',
  'cancelled',
  'all',
];
const ALL = '';

/** The fields a request can be filtered by besides its state: one select each, "All" first. */
const FIELD_FILTERS = [
  { field: 'model', label: 'Model', allLabel: 'All models' },
  { field: 'tier', label: 'Tier', allLabel: 'All tiers' },
] as const;
type FilterField = (typeof FIELD_FILTERS)[number]['field'];
const NO_FILTER: Record<FilterField, string> = { model: ALL, tier: ALL };

const DECISIONS = [
  { decision: 'approve', label: 'Approve', color: 'primary' },
  { decision: 'reject', label: 'Reject', color: 'secondary' },
] as const;

function FilterSelect(props: {
  id: string;
  label: string;
  value: string;
  options: string[];
  allLabel?: string;
  onChange: (value: string) => void;
}) {
  const { id, label, value, options, allLabel, onChange } = props;
  return (
    <TextField
      select
      id={id}
      label={label}
      value={value}
      onChange={e => onChange(e.target.value)}
      style={{ minWidth: 160 }}
      size="small"
      variant="outlined"
    >
      {allLabel !== undefined && <MenuItem value={ALL}>{allLabel}</MenuItem>}
      {options.map(o => (
        <MenuItem key={o} value={o}>
          {o}
        </MenuItem>
      ))}
    </TextField>
  );
}

/**
 * Key requests for an approver: filter by state, model and tier, pick pending ones and approve
 * or reject them at once with a comment. Some may fail while others pass; each failure is listed.
 */
export function ApprovalQueue(props: { onDecided: () => void }) {
  const noWrap = useNoWrapStyles();
  const api = useApi(maasApiRef);
  const [state, setState] = useState<KeyRequestState | 'all'>('pending');
  const [filters, setFilters] = useState(NO_FILTER);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<DecisionOutcome>();
  const [decideError, setDecideError] = useState<string>();
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

  const decide = async (decision: 'approve' | 'reject') => {
    setBusy(true);
    setDecideError(undefined);
    setOutcome(undefined);
    try {
      const results = await api.decideKeyRequests({
        ids: chosen.map(r => r.id),
        decision,
        comment: comment.trim() || undefined,
      });
      setOutcome({
        decision,
        results,
        requests: new Map(chosen.map(r => [r.id, r])),
      });
      // The failed ones stay selected, to try again or decide otherwise.
      setSelected(new Set(results.filter(r => !r.ok).map(r => r.id)));
      if (results.every(r => r.ok)) setComment('');
      requests.retry();
      props.onDecided();
    } catch (e) {
      setDecideError(
        `Could not ${decision} the requests: ${errorMessage(e as Error)}`,
      );
    } finally {
      setBusy(false);
    }
  };

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
        render: r => readableUser(r.userEntityRef),
      },
      requestKindColumn,
      wordColumn<KeyRequest>('Tier', 'tier'),
      { title: 'Reason', field: 'reason' },
      dateColumn<KeyRequest>('Asked', 'createdAt'),
      wordColumn<KeyRequest>('State', 'state'),
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
        {FIELD_FILTERS.map(({ field, label, allLabel }) => (
          <FilterSelect
            key={field}
            id={`maas-approvals-${field}`}
            label={label}
            value={filters[field]}
            options={[...new Set((all ?? []).map(r => r[field]))].sort()}
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
          <Box
            display="flex"
            flexWrap="wrap"
            alignItems="center"
            style={{ gap: 16 }}
          >
            <FormControlLabel
              control={
                <Checkbox
                  checked={allChosen}
                  indeterminate={chosen.length > 0 && !allChosen}
                  disabled={selectable.length === 0}
                  onChange={() =>
                    setSelected(
                      allChosen
                        ? new Set()
                        : new Set(selectable.map(r => r.id)),
                    )
                  }
                />
              }
              label={`Select all ${selectable.length} pending shown`}
            />
            <TextField
              id="maas-approvals-comment"
              label="Comment"
              value={comment}
              onChange={e => setComment(e.target.value)}
              size="small"
              variant="outlined"
              style={{ flexGrow: 1, minWidth: 240 }}
              helperText="Sent to the requesters with your decision."
            />
            {DECISIONS.map(d => (
              <Button
                key={d.decision}
                className={noWrap.noWrap}
                color={d.color}
                variant="contained"
                disabled={busy || chosen.length === 0}
                onClick={() => decide(d.decision)}
              >
                {d.label} ({chosen.length})
              </Button>
            ))}
          </Box>
          {decideError && <Alert severity="error">{decideError}</Alert>}
          {outcome && (
            <DecisionResults
              outcome={outcome}
              onClose={() => setOutcome(undefined)}
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
        </>
      )}
    </Box>
  );
}
