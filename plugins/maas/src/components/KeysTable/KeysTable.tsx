import { Table, TableColumn } from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import { Box, Button } from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { ApiKey, IssuedKey } from '@maas-portal/plugin-maas-common';
import { ReactNode, useMemo, useRef, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { maasApiRef } from '../../api/MaasApi';
import { formatDateTime } from '../../format/dates';
import { ChangeTierDialog } from '../ChangeTierDialog';
import { ConfirmDialog } from '../ConfirmDialog';
import { errorMessage } from '../ErrorAlert';
import { KeyRevealDialog } from '../KeyReveal';
import { TierChoice } from '../RequestKeyDialog';
import { KeyStateLabel } from './KeyStateLabel';

export interface KeysTableProps {
  title: string;
  keys: ApiKey[];
  /** Whether to show the model column (off on a model's own page). */
  showModel?: boolean;
  /** Called after a key changed (revoked, rotated, revealed, tier changed), to load the list again. */
  onChanged: () => void;
  emptyContent?: ReactNode;
  /**
   * The tiers a key may move to, when the page has them (a model's Usage tab); left out, the
   * "Change tier" dialog loads the portal's configured tiers itself.
   */
  tiers?: TierChoice[];
}

type Pending = { kind: 'revoke' | 'rotate'; key: ApiKey };

const canRevoke = (key: ApiKey) =>
  key.state === 'active' || key.state === 'rotating';
const canRotate = (key: ApiKey) => key.state === 'active' && key.revealed;
const canReveal = (key: ApiKey) => key.state === 'active' && !key.revealed;
/** Only the owner may change a key's tier, and only while it is active. */
const canChangeTier = (key: ApiKey, userEntityRef: string | undefined) =>
  key.state === 'active' &&
  userEntityRef !== undefined &&
  key.userEntityRef === userEntityRef;

/**
 * Keys with their state and dates, and the owner's actions on them: revoke (after a
 * confirmation), rotate and reveal (both show the new value once), and change tier (the
 * signed-in owner's active keys only; the value stays). Paginated, so that a thousand keys
 * stay smooth.
 */
export function KeysTable(props: KeysTableProps) {
  const {
    title,
    keys,
    showModel = true,
    onChanged,
    emptyContent,
    tiers,
  } = props;
  const api = useApi(maasApiRef);
  const identityApi = useApi(identityApiRef);
  const identity = useAsync(
    () => identityApi.getBackstageIdentity(),
    [identityApi],
  );
  const userEntityRef = identity.value?.userEntityRef;
  const [tierKey, setTierKey] = useState<ApiKey>();
  const [pending, setPending] = useState<Pending>();
  const [busy, setBusy] = useState(false);
  const [issued, setIssued] = useState<IssuedKey>();
  const [actionError, setActionError] = useState<string>();

  const run = async (
    what: string,
    action: () => Promise<IssuedKey | ApiKey>,
  ) => {
    setBusy(true);
    setActionError(undefined);
    try {
      const result = await action();
      if ('value' in result) setIssued(result);
      else onChanged();
    } catch (e) {
      setActionError(`Could not ${what}: ${errorMessage(e as Error)}`);
    } finally {
      setBusy(false);
      setPending(undefined);
    }
  };
  // The columns are memoised (so that the table keeps its page and sort); they call the latest run.
  const runRef = useRef(run);
  runRef.current = run;

  const columns = useMemo<TableColumn<ApiKey>[]>(
    () => [
      ...(showModel
        ? [{ title: 'Model', field: 'model' } as TableColumn<ApiKey>]
        : []),
      { title: 'Tier', field: 'tier' },
      {
        title: 'Key',
        field: 'displayPrefix',
        render: key => <code>{key.displayPrefix}</code>,
      },
      {
        title: 'State',
        field: 'state',
        render: key => <KeyStateLabel apiKey={key} />,
      },
      {
        title: 'Created',
        field: 'createdAt',
        render: key => formatDateTime(key.createdAt),
      },
      {
        title: 'Expires',
        field: 'expiresAt',
        render: key => formatDateTime(key.expiresAt),
      },
      {
        title: 'Last used',
        field: 'lastUsedAt',
        render: key => formatDateTime(key.lastUsedAt),
      },
      {
        title: 'Actions',
        sorting: false,
        render: key => (
          <Box display="flex" style={{ gap: 4 }}>
            {canReveal(key) && (
              <Button
                size="small"
                color="primary"
                variant="outlined"
                aria-label={`Reveal key ${key.displayPrefix}`}
                disabled={busy}
                onClick={() =>
                  runRef.current('reveal the key', () => api.revealKey(key.id))
                }
              >
                Reveal
              </Button>
            )}
            {canRotate(key) && (
              <Button
                size="small"
                aria-label={`Rotate key ${key.displayPrefix}`}
                disabled={busy}
                onClick={() => setPending({ kind: 'rotate', key })}
              >
                Rotate
              </Button>
            )}
            {canChangeTier(key, userEntityRef) && (
              <Button
                size="small"
                aria-label={`Change tier of key ${key.displayPrefix}`}
                disabled={busy}
                onClick={() => setTierKey(key)}
              >
                Change tier
              </Button>
            )}
            {canRevoke(key) && (
              <Button
                size="small"
                color="secondary"
                aria-label={`Revoke key ${key.displayPrefix}`}
                disabled={busy}
                onClick={() => setPending({ kind: 'revoke', key })}
              >
                Revoke
              </Button>
            )}
          </Box>
        ),
      },
    ],
    [showModel, busy, api, userEntityRef],
  );

  return (
    <>
      {actionError && (
        <Box mb={2}>
          <Alert severity="error" onClose={() => setActionError(undefined)}>
            {actionError}
          </Alert>
        </Box>
      )}
      <Table<ApiKey>
        title={title}
        columns={columns}
        data={keys}
        options={{
          paging: keys.length > 20,
          pageSize: 20,
          pageSizeOptions: [20, 50, 100],
          padding: 'dense',
          search: keys.length > 5,
        }}
        emptyContent={emptyContent}
      />
      <ConfirmDialog
        open={pending?.kind === 'revoke'}
        title="Revoke this key?"
        confirmLabel="Revoke"
        busy={busy}
        onCancel={() => setPending(undefined)}
        onConfirm={() =>
          pending && run('revoke the key', () => api.revokeKey(pending.key.id))
        }
      >
        Key <code>{pending?.key.displayPrefix}</code> for {pending?.key.model}{' '}
        stops working at once. This cannot be undone.
      </ConfirmDialog>
      <ConfirmDialog
        open={pending?.kind === 'rotate'}
        title="Rotate this key?"
        confirmLabel="Rotate"
        busy={busy}
        onCancel={() => setPending(undefined)}
        onConfirm={() =>
          pending && run('rotate the key', () => api.rotateKey(pending.key.id))
        }
      >
        A new key for {pending?.key.model} is issued and shown once. The old key{' '}
        <code>{pending?.key.displayPrefix}</code> keeps working for a short
        overlap, then stops.
      </ConfirmDialog>
      {tierKey && (
        <ChangeTierDialog
          open
          apiKey={tierKey}
          tiers={tiers}
          onClose={() => setTierKey(undefined)}
          onChanged={onChanged}
        />
      )}
      <KeyRevealDialog
        issued={issued}
        onDone={() => {
          setIssued(undefined);
          onChanged();
        }}
      />
    </>
  );
}
