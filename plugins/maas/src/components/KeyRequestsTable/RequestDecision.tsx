import { Box, Typography } from '@material-ui/core';
import { KeyRequest } from '@maas-portal/plugin-maas-common';
import { formatDateTime } from '../../format/dates';
import { ActorName } from './ActorName';

/** The word for where a request stands: an issued request was approved, as its requester sees it. */
const STATE_WORDS: Record<KeyRequest['state'], string> = {
  pending: 'waiting for approval',
  approved: 'approved',
  issued: 'approved',
  rejected: 'rejected',
  cancelled: 'cancelled',
  failed: 'failed',
};

/** The headline of a decision: "rejected: <comment>", "failed: <reason>", "approved". */
export function decisionHeadline(request: KeyRequest): string {
  const word = STATE_WORDS[request.state] ?? request.state;
  if (request.state === 'failed' && request.failureReason)
    return `${word}: ${request.failureReason}`;
  if (request.state === 'rejected' && request.decisionComment)
    return `${word}: ${request.decisionComment}`;
  return word;
}

/**
 * Where a request stands, as its requester reads it: the decision and its comment, who decided
 * (linked, by display name) and when; for a failed request, why no key came.
 */
export function RequestDecision(props: { request: KeyRequest }) {
  const { request } = props;
  const approvedWithComment =
    (request.state === 'approved' || request.state === 'issued') &&
    request.decisionComment;
  return (
    <Box>
      <Typography
        variant="body2"
        color={
          request.state === 'rejected' || request.state === 'failed'
            ? 'error'
            : 'textPrimary'
        }
      >
        {decisionHeadline(request)}
        {approvedWithComment ? `: ${request.decisionComment}` : ''}
      </Typography>
      {request.decidedBy && request.decidedAt && (
        <Typography variant="caption" color="textSecondary">
          by <ActorName actor={request.decidedBy} /> ·{' '}
          {formatDateTime(request.decidedAt)}
          {request.failedAt && ` · failed ${formatDateTime(request.failedAt)}`}
        </Typography>
      )}
    </Box>
  );
}
