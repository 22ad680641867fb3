import { Tooltip, Typography } from '@material-ui/core';
import InfoOutlined from '@material-ui/icons/InfoOutlined';
import { AuditEvent } from '@maas-portal/plugin-maas-common';
import { readableModel, readableUser } from '../../format/entityRefs';
import { ActorName } from '../KeyRequestsTable';
import { ModelLink } from '../table/ModelLink';
import { auditSentence, SentencePart } from './auditSentence';

/** The sentence in plain text, for the table's search. */
export function auditSentenceText(event: AuditEvent): string {
  return auditSentence(event)
    .map(part => {
      if (typeof part === 'string') return part;
      if ('model' in part) return readableModel(part.model);
      return `${readableUser(part.user)}${part.possessive ? "'s" : ''}`;
    })
    .join('');
}

/** Every identifier of the event, for an admin who needs to find the record or the Secret. */
function identifiers(event: AuditEvent): string {
  const lines = [
    `${event.subject.type} ${event.subject.id}`,
    `by ${event.actor}`,
    `model ${event.entityRef}`,
  ];
  if (event.fromState || event.toState)
    lines.push(`${event.fromState ?? '—'} → ${event.toState ?? '—'}`);
  for (const [k, v] of Object.entries(event.details ?? {})) {
    if (v !== null && v !== undefined)
      lines.push(`${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  }
  return lines.join('\n');
}

function Part(props: { part: SentencePart }) {
  const { part } = props;
  if (typeof part === 'string') return <>{part}</>;
  if ('model' in part) return <ModelLink entityRef={part.model} />;
  return (
    <>
      <ActorName actor={part.user} start={part.start} />
      {part.possessive ? "'s" : ''}
    </>
  );
}

/**
 * An audit event as a sentence with its users and model linked; the raw ids (request, key,
 * Secret, entity refs) in the tooltip of the info icon beside it.
 */
export function AuditSentence(props: { event: AuditEvent }) {
  const { event } = props;
  return (
    <Typography variant="body2" component="span">
      {auditSentence(event).map((part, i) => (
        <Part key={i} part={part} />
      ))}{' '}
      <Tooltip
        title={
          <span style={{ whiteSpace: 'pre-line' }}>{identifiers(event)}</span>
        }
      >
        <InfoOutlined
          fontSize="inherit"
          aria-label={`Identifiers: ${event.subject.type} ${event.subject.id}`}
          style={{ verticalAlign: 'middle', cursor: 'help' }}
        />
      </Tooltip>
    </Typography>
  );
}
