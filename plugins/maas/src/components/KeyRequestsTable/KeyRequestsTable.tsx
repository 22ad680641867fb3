import { TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Button } from '@material-ui/core';
import { KeyRequest } from '@maas-portal/plugin-maas-common';
import { maasApiRef } from '../../api/MaasApi';
import { MorePages } from '../../hooks/useMaasPages';
import { useNoWrapStyles } from '../layout/noWrap';
import { ActionTable } from '../table/ActionTable';
import { useRowAction } from '../table/useRowAction';
import {
  dateColumn,
  modelColumns,
  requestKindColumn,
  wordColumn,
} from '../table/columns';
import { decisionHeadline, RequestDecision } from './RequestDecision';

/**
 * The requests a requester keeps seeing: waiting, and decided (approved, rejected, failed) with
 * the decision; only the ones they cancelled themselves drop out.
 */
export function requesterView(requests: KeyRequest[]): KeyRequest[] {
  return requests.filter(r => r.state !== 'cancelled');
}

export interface KeyRequestsTableProps {
  title: string;
  requests: KeyRequest[];
  showModel?: boolean;
  /** Called after a request was cancelled. */
  onChanged: () => void;
  /** Inside a card: no card of its own. */
  embedded?: boolean;
  /** The next page of requests from the backend, while there is one. */
  more?: MorePages;
}

/**
 * The signed-in user's own key requests, with their decision (who, when, the approver's comment,
 * or why it failed); pending ones can be cancelled.
 */
export function KeyRequestsTable(props: KeyRequestsTableProps) {
  const { title, requests, showModel = true, onChanged } = props;
  const api = useApi(maasApiRef);
  const action = useRowAction();
  const classes = useNoWrapStyles();
  const cancel = (request: KeyRequest) =>
    action.run(
      request.id,
      'cancel the request',
      () => api.cancelKeyRequest(request.id),
      onChanged,
    );

  const columns: TableColumn<KeyRequest>[] = [
    { title: 'Name', field: 'name', render: r => r.name ?? '—' },
    ...modelColumns<KeyRequest>(showModel),
    requestKindColumn,
    wordColumn<KeyRequest>('Tier', 'tier'),
    {
      title: 'Decision',
      field: 'state',
      customFilterAndSearch: (term: string, r: KeyRequest) =>
        decisionHeadline(r).toLowerCase().includes(term.toLowerCase()),
      render: r => <RequestDecision request={r} />,
    },
    { title: 'Reason', field: 'reason' },
    dateColumn<KeyRequest>('Asked', 'createdAt'),
    {
      title: 'Actions',
      sorting: false,
      render: r =>
        r.state === 'pending' && (
          <Button
            size="small"
            className={classes.noWrap}
            aria-label={`Cancel request for ${r.model} at tier ${r.tier}`}
            disabled={action.busyId === r.id}
            onClick={() => cancel(r)}
          >
            Cancel
          </Button>
        ),
    },
  ];

  return (
    <ActionTable<KeyRequest>
      title={title}
      columns={columns}
      rows={requests}
      pageSize={10}
      action={action}
      embedded={props.embedded}
      more={props.more}
      moreOf="requests"
    />
  );
}
