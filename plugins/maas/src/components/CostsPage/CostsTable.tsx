import { Table, TableColumn } from '@backstage/core-components';
import { Box, Typography } from '@material-ui/core';
import {
  CostReport,
  CostRow,
  CostTable,
} from '@maas-portal/plugin-maas-common';
import { sortIcons } from '../table/sortArrows';
import { tableOptions } from '../table/options';
import { formatCost, formatCount } from './costFormat';

const WHAT: Record<CostTable, string> = {
  users: 'User',
  groups: 'Group',
  systems: 'System',
  models: 'Model',
};

/** One table of a report: a row per user, group, system or model, largest cost first. */
export function CostsTable(props: { report: CostReport; table: CostTable }) {
  const { report, table } = props;
  const rows = report[table];
  const columns: TableColumn<CostRow>[] = [
    {
      title: WHAT[table],
      field: 'title',
      render: row => (
        <>
          <Typography variant="body2">{row.title}</Typography>
          {row.ref && row.ref !== row.title && (
            <Typography variant="caption" color="textSecondary">
              {row.ref}
            </Typography>
          )}
        </>
      ),
    },
    ...(table === 'users'
      ? [
          {
            title: 'Groups',
            field: 'groups',
            render: (row: CostRow) => row.groups?.join(', ') || '—',
          },
        ]
      : [{ title: 'Users', field: 'users', type: 'numeric' as const }]),
    {
      title: 'Calls',
      field: 'calls',
      type: 'numeric',
      render: row => formatCount(row.calls),
    },
    {
      title: 'Tokens',
      field: 'tokens',
      type: 'numeric',
      render: row => formatCount(row.tokens),
    },
    {
      title: report.currency ? `Cost (${report.currency})` : 'Cost',
      field: 'cost',
      type: 'numeric',
      render: row => formatCost(report, row.cost),
    },
  ];
  return (
    <Table<CostRow>
      title={`${WHAT[table]}s (${rows.length})`}
      columns={columns}
      icons={sortIcons}
      data={rows}
      options={tableOptions({
        pageSize: 20,
        paging: rows.length > 20,
        search: rows.length > 10,
      })}
      emptyContent={
        <Box p={2}>
          <Typography variant="body2">No calls in this range.</Typography>
        </Box>
      }
    />
  );
}
