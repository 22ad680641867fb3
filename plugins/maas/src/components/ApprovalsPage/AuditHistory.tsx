import { Progress, Table, TableColumn } from '@backstage/core-components';
import { usePermission } from '@backstage/plugin-permission-react';
import { Box, Typography } from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import {
  AuditEvent,
  maasAuditReadPermission,
} from '@maas-portal/plugin-maas-common';
import { formatDateTime } from '../../format/dates';
import { useAuditEvents } from '../../hooks/useAuditEvents';
import { ErrorAlert } from '../ErrorAlert';

const AUDIT_LIMIT = 500;

function describeDetails(details: AuditEvent['details']): string {
  if (!details) return '';
  return Object.entries(details)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
}

const columns: TableColumn<AuditEvent>[] = [
  {
    title: 'When',
    field: 'at',
    render: e => formatDateTime(e.at),
    defaultSort: 'desc',
  },
  { title: 'Who', field: 'actor' },
  { title: 'Action', field: 'action' },
  {
    title: 'Subject',
    field: 'subject.id',
    render: e => `${e.subject.type} ${e.subject.id}`,
  },
  { title: 'Model', field: 'entityRef' },
  {
    title: 'Change',
    field: 'toState',
    render: e =>
      e.fromState || e.toState
        ? `${e.fromState ?? '—'} → ${e.toState ?? '—'}`
        : '',
  },
  {
    title: 'Details',
    field: 'details',
    sorting: false,
    render: e => describeDetails(e.details),
  },
];

function AuditTable() {
  const events = useAuditEvents({ limit: AUDIT_LIMIT });
  if (events.loading && !events.value) return <Progress />;
  if (events.error) {
    return <ErrorAlert error={events.error} action="read the audit history" />;
  }
  return (
    <Table<AuditEvent>
      title={`Audit history (latest ${AUDIT_LIMIT})`}
      columns={columns}
      data={events.value ?? []}
      options={{
        paging: true,
        pageSize: 20,
        pageSizeOptions: [20, 50, 100],
        padding: 'dense',
      }}
      emptyContent={
        <Box p={2}>
          <Typography variant="body2">
            No key changes have been recorded yet.
          </Typography>
        </Box>
      }
    />
  );
}

/** Who changed which key or request, and when; for holders of maas.audit.read. */
export function AuditHistory() {
  const permission = usePermission({ permission: maasAuditReadPermission });
  if (permission.loading) return <Progress />;
  if (!permission.allowed) {
    return (
      <Alert severity="info">
        You may not read the audit history: it needs the maas.audit.read
        permission.
      </Alert>
    );
  }
  return <AuditTable />;
}
