import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import { Typography } from '@material-ui/core';
import { ApiKey } from '@maas-portal/plugin-maas-common';
import { formatDateTime } from '../../format/dates';

/** A key's state as a status light with its word, and what it means for the holder. */
export function KeyStateLabel(props: { apiKey: ApiKey }) {
  const { apiKey } = props;
  return (
    <>
      {apiKey.state === 'active' && <StatusOK>active</StatusOK>}
      {apiKey.state === 'rotating' && <StatusWarning>rotating</StatusWarning>}
      {apiKey.state === 'revoked' && <StatusError>revoked</StatusError>}
      {(apiKey.state === 'expired' || apiKey.state === 'rotated') && (
        <StatusAborted>{apiKey.state}</StatusAborted>
      )}
      {apiKey.state === 'rotating' && apiKey.overlapUntil && (
        <Typography variant="caption" display="block">
          works until {formatDateTime(apiKey.overlapUntil)}
        </Typography>
      )}
      {apiKey.state === 'revoked' && apiKey.revokedReason && (
        <Typography variant="caption" display="block">
          by the portal: {apiKey.revokedReason}
        </Typography>
      )}
      {apiKey.state === 'active' && !apiKey.revealed && (
        <Typography variant="caption" display="block">
          approved, not yet revealed
        </Typography>
      )}
    </>
  );
}
