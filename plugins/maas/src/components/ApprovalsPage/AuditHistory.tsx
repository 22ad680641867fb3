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
import { LoadMore } from '../table/LoadMore';
import { tableOptions } from '../table/options';
import { sortIcons } from '../table/sortArrows';
import { AuditSentence, auditSentenceText } from './AuditSentence';

const AUDIT_LIMIT = 500;

const columns: TableColumn<AuditEvent>[] = [
  {
    title: 'When',
    field: 'at',
    render: e => formatDateTime(e.at),
    defaultSort: 'desc',
    cellStyle: { whiteSpace: 'nowrap' },
  },
  {
    title: 'What happened',
    field: 'action',
    sorting: false,
    customFilterAndSearch: (term: string, e: AuditEvent) =>
      auditSentenceText(e).toLowerCase().includes(term.toLowerCase()),
    render: e => <AuditSentence event={e} />,
  },
];

function AuditTable() {
  const events = useAuditEvents({ limit: AUDIT_LIMIT });
  if (events.loading && !events.value) return <Progress />;
  if (events.error) {
    return <ErrorAlert error={events.error} action="read the audit history" />;
  }
  return (
    <>
      <Table<AuditEvent>
        title={`Audit history (latest ${AUDIT_LIMIT})`}
        columns={columns}
        icons={sortIcons}
        data={events.value ?? []}
        options={tableOptions({ pageSize: 20, paging: true, search: true })}
        emptyContent={
          <Box p={2}>
            <Typography variant="body2">
              No key changes have been recorded yet.
            </Typography>
          </Box>
        }
      />
      <LoadMore
        more={events.more}
        shown={events.value?.length ?? 0}
        what="events"
      />
    </>
  );
}

/**
 * Who changed which key or request, and when, as sentences with users and models linked; the
 * raw ids in a tooltip. For holders of maas.audit.read.
 */
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
