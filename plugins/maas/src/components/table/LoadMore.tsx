import { Box, Button, Typography } from '@material-ui/core';
import { MorePages } from '../../hooks/useMaasPages';
import { errorMessage } from '../ErrorAlert';

/**
 * Under a table whose list the backend pages: how many rows are loaded and a button for the next
 * page, while there is one; why the last load failed, if it did (the button tries again).
 */
export function LoadMore(props: {
  more?: MorePages;
  /** Rows loaded so far. */
  shown: number;
  /** What the rows are, e.g. "keys". */
  what: string;
}) {
  const { more, shown, what } = props;
  if (!more) return null;
  return (
    <Box
      display="flex"
      flexWrap="wrap"
      alignItems="center"
      mt={1}
      style={{ gap: 12 }}
    >
      <Button
        variant="outlined"
        size="small"
        onClick={more.load}
        disabled={more.loading}
      >
        {more.loading ? `Loading more ${what}…` : `Load more ${what}`}
      </Button>
      <Typography variant="body2" color="textSecondary">
        {shown} {what} loaded; there are more.
      </Typography>
      {more.error && (
        <Typography variant="body2" color="error" role="alert">
          {`Could not load more ${what}: ${errorMessage(more.error)}`}
        </Typography>
      )}
    </Box>
  );
}
