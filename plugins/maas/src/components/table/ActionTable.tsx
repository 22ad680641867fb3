import { Table, TableColumn } from '@backstage/core-components';
import { Box } from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { ReactNode } from 'react';
import { MorePages } from '../../hooks/useMaasPages';
import { LoadMore } from './LoadMore';
import { tableOptions } from './options';
import { sortIcons } from './sortArrows';
import { RowAction } from './useRowAction';

export interface ActionTableProps<T extends object> {
  title: string;
  columns: TableColumn<T>[];
  rows: T[];
  /** Rows a page; a list that fits on one page has no pager. */
  pageSize: number;
  search?: boolean;
  emptyContent?: ReactNode;
  /** The rows' action, whose failure shows above the table until dismissed. */
  action: RowAction;
  /**
   * Inside a card: the table draws no card (paper) of its own, and no title bar unless it has a
   * search field; the card's title names it.
   */
  embedded?: boolean;
  /** The next page of rows from the backend, while there is one, and what a row is ("keys"). */
  more?: MorePages;
  moreOf?: string;
}

/** The table's container inside a card: a plain block instead of material-table's Paper. */
const Unframed = (props: { children?: ReactNode }) => (
  <div data-testid="unframed-table">{props.children}</div>
);

/** A table whose rows carry actions, with the error of the last failed one above it. */
export function ActionTable<T extends object>(props: ActionTableProps<T>) {
  const { title, columns, rows, pageSize, search = false } = props;
  const { error, dismissError } = props.action;
  return (
    <>
      {error && (
        <Box mb={2}>
          <Alert severity="error" onClose={dismissError}>
            {error}
          </Alert>
        </Box>
      )}
      <Table<T>
        title={title}
        columns={columns}
        icons={sortIcons}
        data={rows}
        options={{
          ...tableOptions<T>({
            pageSize,
            paging: rows.length > pageSize,
            search,
          }),
          toolbar: !props.embedded || search,
        }}
        emptyContent={props.emptyContent}
        components={props.embedded ? { Container: Unframed } : undefined}
      />
      <LoadMore
        more={props.more}
        shown={rows.length}
        what={props.moreOf ?? 'rows'}
      />
    </>
  );
}
