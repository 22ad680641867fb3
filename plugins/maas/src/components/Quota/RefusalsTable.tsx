import { Table, TableColumn } from '@backstage/core-components';
import { Box } from '@material-ui/core';
import { ModelRefusals, Refusal } from '@maas-portal/plugin-maas-common';
import { sortIcons } from '../table/sortArrows';
import { tableOptions } from '../table/options';

const columns: TableColumn<Refusal>[] = [
  {
    title: 'User',
    field: 'user',
    // Limitador counts a route's refusals without a user when no TelemetryPolicy labels them.
    render: r => r.user ?? 'no user label (no TelemetryPolicy)',
  },
  { title: 'Tier', field: 'tier', render: r => r.tier ?? '—' },
  {
    title: 'Refused by',
    field: 'limitName',
    render: r => r.limitName ?? 'not reported (telemetry is not exhaustive)',
  },
  {
    title: 'Refused calls',
    field: 'count',
    type: 'numeric',
    defaultSort: 'desc',
    render: r => r.count.toLocaleString('en-US'),
  },
];

/** Everyone's refused calls of a model, per user and limit: for holders of maas.usage.read-all. */
export function RefusalsTable(props: { refusals: ModelRefusals }) {
  const rows = props.refusals.refusals;
  return (
    <Table<Refusal>
      title="Refused calls per user, last 24 hours"
      columns={columns}
      icons={sortIcons}
      data={rows}
      options={tableOptions({
        pageSize: 10,
        paging: rows.length > 10,
        search: rows.length > 10,
      })}
      emptyContent={
        <Box padding={2}>No call to this model was refused in this range.</Box>
      }
    />
  );
}
