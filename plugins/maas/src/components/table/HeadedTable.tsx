import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
} from '@material-ui/core';
import { ReactNode } from 'react';
import { useNoWrapStyles } from '../layout/noWrap';

/** A small table of a card: its headings on one line each, then the rows it is given. */
export function HeadedTable(props: {
  label: string;
  headings: string[];
  children: ReactNode;
}) {
  const classes = useNoWrapStyles();
  return (
    <Table size="small" aria-label={props.label}>
      <TableHead>
        <TableRow>
          {props.headings.map((h, i) => (
            <TableCell key={`${i}-${h}`} className={classes.noWrap}>
              {h}
            </TableCell>
          ))}
        </TableRow>
      </TableHead>
      <TableBody>{props.children}</TableBody>
    </Table>
  );
}
