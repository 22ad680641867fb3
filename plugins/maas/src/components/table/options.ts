import { TableOptions } from '@backstage/core-components';

/** Dense rows, pages of `pageSize` (or more, by choice), and search where a list is long. */
export function tableOptions<T extends object>(options: {
  pageSize: number;
  paging: boolean;
  search: boolean;
}): TableOptions<T> {
  const { pageSize, paging, search } = options;
  return {
    paging,
    pageSize,
    pageSizeOptions: [pageSize, 50, 100],
    padding: 'dense',
    search,
    // A last page of 3 rows is 3 rows high, not padded to the page size with empty rows.
    emptyRowsWhenPaging: false,
    // Column headings are sort buttons; material-table's drag handle would nest a second button
    // inside each (axe: nested-interactive), for reordering columns nobody needs here.
    draggable: false,
    // Headings stay on one line ("Last used", "Key name"); the column grows or the table scrolls.
    headerStyle: { whiteSpace: 'nowrap' },
  };
}
