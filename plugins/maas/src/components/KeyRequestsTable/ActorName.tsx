import { EntityRefLink } from '@backstage/plugin-catalog-react';

/** What the portal itself is called when it acts (see the backend's `auditEvents.ts`). */
const PORTAL_ACTORS: Record<string, string> = {
  'maas:auto-approval': 'automatic approval',
  'maas:issuer': 'the portal',
  'maas:scheduler': 'the portal',
};

/**
 * Who acted: a user, by the display name the catalog has for them, linked to their page; the
 * portal itself in words.
 */
export function ActorName(props: { actor: string }) {
  const { actor } = props;
  if (PORTAL_ACTORS[actor]) return <>{PORTAL_ACTORS[actor]}</>;
  return <EntityRefLink entityRef={actor} defaultKind="user" />;
}
