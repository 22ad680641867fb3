import { EntityRefLink } from '@backstage/plugin-catalog-react';

/** What the portal itself is called when it acts (see the backend's `auditEvents.ts`). */
const PORTAL_ACTORS: Record<string, string> = {
  'maas:auto-approval': 'automatic approval',
  'maas:issuer': 'the portal',
  'maas:scheduler': 'the portal',
};

/**
 * Who acted: a user, by the display name the catalog has for them, linked to their page; the
 * portal itself in words (with a capital at the `start` of a sentence).
 */
export function ActorName(props: { actor: string; start?: boolean }) {
  const { actor, start } = props;
  const portal = PORTAL_ACTORS[actor];
  if (portal)
    return (
      <>{start ? portal.charAt(0).toUpperCase() + portal.slice(1) : portal}</>
    );
  return <EntityRefLink entityRef={actor} defaultKind="user" />;
}
