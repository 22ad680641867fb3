import { Table, TableColumn } from '@backstage/core-components';
import { Box } from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { ReactNode } from 'react';
import { tableOptions } from './options';

export interface ActionTableProps<T extends object> {
  title: string;
  columns: TableColumn<T>[];
  rows: T[];
  /** Rows a page; a list that fits on one page has no pager. */
  pageSize: number;
  search: boolean;
  emptyContent?: ReactNode;
  /** Why the last action on a row failed, shown above the table until dismissed. */
  actionError?: string;
  onDismissError: () => void;
}

/** A table whose rows carry actions, with the error of the last failed one above it. */
export function ActionTable<T extends object>(props: ActionTableProps<T>) {
  const { title, columns, rows, pageSize, search, emptyContent } = props;
  return (
    <>
      {props.actionError && (
        <Box mb={2}>
          <Alert severity="error" onClose={props.onDismissError}>
            {props.actionError}
          </Alert>
        </Box>
      )}
      <Table<T>
        title={title}
        columns={columns}
        data={rows}
        options={tableOptions({
          pageSize,
          paging: rows.length > pageSize,
          search,
        })}
        emptyContent={emptyContent}
      />
    </>
  );
}
