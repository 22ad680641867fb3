import { Table } from '@backstage/core-components';
import ArrowDownward from '@material-ui/icons/ArrowDownward';
import { forwardRef } from 'react';

/**
 * Table icons whose sort arrow points the way the column is sorted. Backstage's Table draws an
 * upward arrow, which Material UI's sort label leaves unturned for a descending sort (its own icon
 * points down), so a column sorted biggest first showed an arrow pointing up.
 */
export const sortIcons = {
  ...Table.icons,
  SortArrow: forwardRef<SVGSVGElement>((props, ref) => (
    <ArrowDownward {...props} ref={ref} data-testid="sort-arrow" />
  )),
};
