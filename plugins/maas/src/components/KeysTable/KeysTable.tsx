import { Table, TableColumn } from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import { Box, Button } from '@material-ui/core';
import { ApiKey, IssuedKey } from '@maas-portal/plugin-maas-common';
import { ReactNode, useMemo, useRef, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { MaasApi, maasApiRef } from '../../api/MaasApi';
import { ChangeTierDialog } from '../ChangeTierDialog';
import { ConfirmDialog } from '../ConfirmDialog';
import { ActionErrorAlert, errorMessage } from '../ErrorAlert';
import { KeyRevealDialog } from '../KeyReveal';
import { dateColumn, modelColumns } from '../table/columns';
import { tableOptions } from '../table/options';
import { TierChoice } from '../TierSelect';
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

/** What the user confirms before a key is revoked or rotated, and what then runs. */
const CONFIRMATIONS = {
  revoke: {
    title: 'Revoke this key?',
    label: 'Revoke',
    what: 'revoke the key',
    call: (api: MaasApi, key: ApiKey) => api.revokeKey(key.id),
    body: (key: ApiKey) => (
      <>
        Key <code>{key.displayPrefix}</code> for {key.model} stops working at
        once. This cannot be undone.
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
        A new key for {key.model} is issued and shown once. The old key{' '}
        <code>{key.displayPrefix}</code> keeps working for a short overlap, then
        stops.
      </>
    ),
  },
};

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
      ...modelColumns<ApiKey>(showModel),
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
      dateColumn<ApiKey>('Created', 'createdAt'),
      dateColumn<ApiKey>('Expires', 'expiresAt'),
      dateColumn<ApiKey>('Last used', 'lastUsedAt'),
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

  const confirmation = pending && CONFIRMATIONS[pending.kind];
  return (
    <>
      <ActionErrorAlert
        message={actionError}
        onClose={() => setActionError(undefined)}
      />
      <Table<ApiKey>
        title={title}
        columns={columns}
        data={keys}
        options={tableOptions({
          pageSize: 20,
          paging: keys.length > 20,
          search: keys.length > 5,
        })}
        emptyContent={emptyContent}
      />
      <ConfirmDialog
        open={!!pending}
        title={confirmation?.title ?? ''}
        confirmLabel={confirmation?.label ?? ''}
        busy={busy}
        onCancel={() => setPending(undefined)}
        onConfirm={() =>
          pending &&
          confirmation &&
          run(confirmation.what, () => confirmation.call(api, pending.key))
        }
      >
        {pending && confirmation?.body(pending.key)}
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
