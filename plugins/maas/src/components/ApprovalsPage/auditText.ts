import { AuditEvent } from '@maas-portal/plugin-maas-common';
import { formatDateTime } from '../../format/dates';
import { readableUser } from '../../format/entityRefs';

/** What an audit action did, as a person would say it. */
const ACTIONS: Record<string, string> = {
  'request.created': 'asked for a key',
  'request.approved': 'approved the request',
  'request.rejected': 'rejected the request',
  'request.cancelled': 'cancelled the request',
  'request.issued': 'issued the approved key',
  'key.issued': 'issued a key',
  'key.revealed': 'revealed the key',
  'key.revoked': 'revoked the key',
  'key.rotating': 'started rotating the key',
  'key.rotated': 'finished rotating the key',
  'key.tier-changed': 'changed the tier',
  'key.expired': 'the key expired',
};

export function describeAction(action: string): string {
  return ACTIONS[action] ?? action;
}

/** A UUID shortened to tell rows apart; the full id stays in the row's tooltip. */
export const shortId = (id: string) =>
  id.length > 12 ? `${id.slice(0, 8)}…` : id;

export function describeSubject(subject: AuditEvent['subject']): string {
  return `${subject.type === 'key' ? 'key' : 'request'} ${shortId(subject.id)}`;
}

const asText = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/**
 * The details of an event in words: names for users, tiers as a change, short ids for keys, dates
 * as dates. Where the key's Secret lives is the cluster's business, not the reader's: left out.
 */
export function describeDetails(details: AuditEvent['details']): string {
  if (!details) return '';
  const parts: string[] = [];
  const { comment, tier, fromTier, owner, ...rest } = details;
  if (comment) parts.push(`“${asText(comment)}”`);
  if (tier !== undefined) {
    parts.push(
      fromTier !== undefined
        ? `tier ${asText(fromTier)} → ${asText(tier)}`
        : `tier ${asText(tier)}`,
    );
  }
  if (typeof owner === 'string') parts.push(`for ${readableUser(owner)}`);
  for (const [k, v] of Object.entries(rest)) {
    if (k === 'secret' || v === null || v === undefined) continue;
    if (k === 'keyId') parts.push(`key ${shortId(asText(v))}`);
    else if (k === 'replacedBy')
      parts.push(`replaced by key ${shortId(asText(v))}`);
    else if (k === 'rotatedFrom')
      parts.push(`replaces key ${shortId(asText(v))}`);
    else if (k === 'overlapUntil')
      parts.push(`old key works until ${formatDateTime(asText(v))}`);
    else parts.push(`${k}: ${asText(v)}`);
  }
  return parts.join(', ');
}
