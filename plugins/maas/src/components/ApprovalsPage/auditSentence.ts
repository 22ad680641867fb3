import { AuditEvent } from '@maas-portal/plugin-maas-common';
import { formatDateTime } from '../../format/dates';

/** The portal's own actor for a tier approved automatically (the backend's `auditEvents.ts`). */
const AUTO_APPROVER = 'maas:auto-approval';

/** "a free key", "an enterprise key": the words with the article their first word takes. */
function withArticle(words: string): string {
  return /^[aeiou]/i.test(words) ? `an ${words}` : `a ${words}`;
}

/** A piece of an audit sentence: words, a user (shown by display name, linked) or the model. */
export type SentencePart =
  | string
  | { user: string; possessive?: boolean; start?: boolean }
  | { model: string };

const str = (value: unknown) => (typeof value === 'string' ? value : undefined);

/**
 * One audit event as a sentence, e.g. Jane approved Bob's premium key for Simulator — “ok for the
 * demo”. Users and the model are parts of their own, so that a page can link them; events written
 * before the backend recorded whose key it was read "a key".
 */
export function auditSentence(event: AuditEvent): SentencePart[] {
  const details = event.details ?? {};
  const actor = event.actor;
  const owner = str(details.owner);
  const tier = str(details.tier);
  const name = str(details.name);
  const model = { model: event.entityRef };
  const who = { user: actor, start: true };
  /** "Bob's premium key “ci”", "their own premium key", or "a key". */
  const whose = (noun: string, named = true): SentencePart[] => {
    const what = `${tier ? `${tier} ` : ''}${noun}${
      named && name ? ` “${name}”` : ''
    }`;
    if (!owner) return [withArticle(what)];
    if (owner === actor) return [`their own ${what}`];
    return [{ user: owner, possessive: true }, ` ${what}`];
  };
  const comment = str(details.comment);
  const saying = comment ? [` — “${comment}”`] : [];
  const forModel: SentencePart[] = [' for ', model];

  switch (event.action) {
    case 'request.created':
      return details.kind === 'tier-change'
        ? [who, ` asked to move a key to tier ${tier ?? '?'}`, ...forModel]
        : [
            who,
            ` asked for ${withArticle(
              `${tier ? `${tier} ` : ''}key${name ? ` “${name}”` : ''}`,
            )}`,
            ...forModel,
          ];
    case 'request.approved':
      // The tier approves by itself: no one to name, and its comment only says so.
      if (actor === AUTO_APPROVER)
        return [
          ...capitalised(whose('key')),
          ...forModel,
          ' was approved automatically, as its tier is',
        ];
      return [who, ' approved ', ...whose('key'), ...forModel, ...saying];
    case 'request.rejected':
      return [
        who,
        ' rejected ',
        ...whose('key request'),
        ...forModel,
        ...saying,
      ];
    case 'request.cancelled':
      return [who, ' cancelled ', ...whose('key request'), ...forModel];
    case 'request.issued':
      return [who, ' finished the approved request', ...forModel];
    case 'request.failed':
      return [
        'No key could be issued on ',
        ...whose('key request'),
        ...forModel,
        `: ${str(details.reason) ?? 'no reason recorded'}`,
      ];
    case 'key.issued':
      return [
        who,
        ' issued ',
        ...whose('key'),
        ...forModel,
        ...(details.rotatedFrom ? [', replacing a rotated key'] : []),
      ];
    case 'key.revealed':
      return [who, ' viewed their new key (shown once)', ...forModel];
    case 'key.revoked':
      return [who, ' revoked ', ...whose('key'), ...forModel];
    case 'key.rotating': {
      const until = str(details.overlapUntil);
      return [
        who,
        ' rotated ',
        ...whose('key'),
        ...forModel,
        ...(until
          ? [`; the old key works until ${formatDateTime(until)}`]
          : []),
      ];
    }
    case 'key.rotated':
      return [
        who,
        ' retired the old value of ',
        ...whose('key'),
        ...forModel,
        ' after its rotation',
      ];
    case 'key.tier-changed':
      return [
        who,
        ' moved ',
        ...whose('key'),
        ...forModel,
        ` from tier ${str(details.fromTier) ?? '?'} to ${tier ?? '?'}`,
      ];
    case 'key.expired':
      return [...capitalised(whose('key')), ...forModel, ' expired'];
    case 'key.renamed': {
      const from = str(details.fromName);
      return [
        who,
        ' renamed ',
        ...whose('key', false),
        ...forModel,
        from ? ` from “${from}”` : '',
        name ? ` to “${name}”` : ' to no name',
      ];
    }
    default:
      return [who, ` ${event.action}`, ...forModel];
  }
}

/** The first part at the start of a sentence, with a capital. */
function capitalised(parts: SentencePart[]): SentencePart[] {
  const [first, ...rest] = parts;
  if (typeof first === 'string')
    return [first.charAt(0).toUpperCase() + first.slice(1), ...rest];
  if ('user' in first) return [{ ...first, start: true }, ...rest];
  return parts;
}
