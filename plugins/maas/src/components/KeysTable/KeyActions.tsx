import { Box, Button } from '@material-ui/core';
import { ApiKey } from '@maas-portal/plugin-maas-common';
import { MaasApi } from '../../api/MaasApi';
import { readableModel } from '../../format/entityRefs';
import { useNoWrapStyles } from '../layout/noWrap';

export type KeyActionKind =
  | 'reveal'
  | 'rotate'
  | 'rename'
  | 'changeTier'
  | 'revoke';

const canRevoke = (key: ApiKey) =>
  key.state === 'active' || key.state === 'rotating';
const canRotate = (key: ApiKey) => key.state === 'active' && key.revealed;
const canReveal = (key: ApiKey) => key.state === 'active' && !key.revealed;
/** Only the owner may change a key's tier, and only while it is active. */
const canChangeTier = (key: ApiKey, userEntityRef: string | undefined) =>
  key.state === 'active' &&
  userEntityRef !== undefined &&
  key.userEntityRef === userEntityRef;

/** Only the owner names a key, while it works. */
const canRename = (key: ApiKey, userEntityRef: string | undefined) =>
  canRevoke(key) &&
  userEntityRef !== undefined &&
  key.userEntityRef === userEntityRef;

/** The buttons of one key's row: only the actions its state allows. */
export function KeyActions(props: {
  apiKey: ApiKey;
  /** The signed-in user, who alone may change the tier of their keys. */
  userEntityRef: string | undefined;
  busy: boolean;
  onAction: (kind: KeyActionKind) => void;
}) {
  const { apiKey: key, userEntityRef, busy, onAction } = props;
  const classes = useNoWrapStyles();
  const actions = [
    {
      kind: 'reveal',
      label: 'Reveal',
      name: 'Reveal key',
      allowed: canReveal(key),
      color: 'primary',
      variant: 'outlined',
    },
    {
      kind: 'rotate',
      label: 'Rotate',
      name: 'Rotate key',
      allowed: canRotate(key),
    },
    {
      kind: 'rename',
      label: 'Rename',
      name: 'Rename key',
      allowed: canRename(key, userEntityRef),
    },
    {
      kind: 'changeTier',
      label: 'Change tier',
      name: 'Change tier of key',
      allowed: canChangeTier(key, userEntityRef),
    },
    {
      kind: 'revoke',
      label: 'Revoke',
      name: 'Revoke key',
      allowed: canRevoke(key),
      color: 'secondary',
    },
  ] as const;
  return (
    // Buttons wrap as whole buttons when the column is narrow, never inside their label.
    <Box display="flex" flexWrap="wrap" style={{ gap: 4 }}>
      {actions
        .filter(a => a.allowed)
        .map(a => (
          <Button
            key={a.kind}
            size="small"
            className={classes.noWrap}
            color={'color' in a ? a.color : undefined}
            variant={'variant' in a ? a.variant : undefined}
            aria-label={`${a.name} ${key.displayPrefix}`}
            disabled={busy}
            onClick={() => onAction(a.kind)}
          >
            {a.label}
          </Button>
        ))}
    </Box>
  );
}

/** What the user confirms before a key is revoked or rotated, and what then runs. */
export const CONFIRMATIONS = {
  revoke: {
    title: 'Revoke this key?',
    label: 'Revoke',
    what: 'revoke the key',
    call: (api: MaasApi, key: ApiKey) => api.revokeKey(key.id),
    body: (key: ApiKey) => (
      <>
        Key {key.name ? <strong>{key.name}</strong> : null}{' '}
        <code>{key.displayPrefix}</code> for {readableModel(key.entityRef)}{' '}
        stops working at once. This cannot be undone.
      </>
    ),
  },
  rotate: {
    title: 'Rotate this key?',
    label: 'Rotate',
    what: 'rotate the key',
    call: (api: MaasApi, key: ApiKey) => api.rotateKey(key.id),
    body: (key: ApiKey) => (
      <>
        A new key for {readableModel(key.entityRef)} is issued and shown once.
        The old key <code>{key.displayPrefix}</code> keeps working for a short
        overlap, then stops.
      </>
    ),
  },
};
