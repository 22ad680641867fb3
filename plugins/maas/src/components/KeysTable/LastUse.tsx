import { Tooltip } from '@material-ui/core';
import { ApiKey } from '@maas-portal/plugin-maas-common';
import { formatDateTime } from '../../format/dates';

const WORDS: Record<NonNullable<ApiKey['lastUse']>, string> = {
  seen: '',
  'not-seen': 'not in 7 days',
  unknown: 'unknown',
};

/**
 * When a key was last used, as the metrics tell it; an empty value says why (no call in the days
 * looked at, or the metrics cannot tell), with the backend's explanation on hover.
 */
export function LastUse(props: { apiKey: ApiKey }) {
  const { lastUsedAt, lastUse, lastUseNote } = props.apiKey;
  const text = lastUsedAt
    ? formatDateTime(lastUsedAt)
    : (lastUse && WORDS[lastUse]) || '—';
  if (!lastUseNote) return <>{text}</>;
  return (
    <Tooltip title={lastUseNote}>
      <span aria-label={`${text}. ${lastUseNote}`}>{text}</span>
    </Tooltip>
  );
}
