import { makeStyles } from '@material-ui/core';

/**
 * Text that must stay on one line: button labels and short table headings, which a narrow column
 * otherwise breaks inside a word ("REVOK E", "Request s"). Their container wraps whole items
 * or scrolls instead.
 */
export const useNoWrapStyles = makeStyles({
  noWrap: { whiteSpace: 'nowrap' },
});
