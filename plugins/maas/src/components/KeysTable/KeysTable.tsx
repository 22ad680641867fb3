import { TableColumn } from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import { ApiKey, IssuedKey } from '@maas-portal/plugin-maas-common';
import { ReactNode, useMemo, useRef, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { maasApiRef } from '../../api/MaasApi';
import { MorePages } from '../../hooks/useMaasPages';
import { ChangeTierDialog } from '../ChangeTierDialog';
import { ConfirmDialog } from '../ConfirmDialog';
import { KeyRevealDialog } from '../KeyReveal';
import { dateColumn, modelColumns, wordColumn } from '../table/columns';
import { ActionTable } from '../table/ActionTable';
import { useRowAction } from '../table/useRowAction';
import { TierChoice } from '../TierSelect';
import { CONFIRMATIONS, KeyActionKind, KeyActions } from './KeyActions';
import { KeyStateLabel } from './KeyStateLabel';
import { LastUse } from './LastUse';
import { RenameKeyDialog } from './RenameKeyDialog';

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
  /** Inside a card: no card of its own. */
  embedded?: boolean;
  /** The next page of keys from the backend, while there is one. */
  more?: MorePages;
}

const CONFIRMED_ACTIONS = ['revoke', 'rotate'] as const;
type Pending = { kind: (typeof CONFIRMED_ACTIONS)[number]; key: ApiKey };

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
  const [renamed, setRenamed] = useState<ApiKey>();
  const [pending, setPending] = useState<Pending>();
  const [issued, setIssued] = useState<IssuedKey>();
  const action = useRowAction();
  const busy = action.busyId !== undefined;

  const run = async (
    key: ApiKey,
    what: string,
    call: () => Promise<IssuedKey | ApiKey>,
  ) => {
    await action.run(key.id, what, call, result => {
      if ('value' in result) setIssued(result);
      else onChanged();
    });
    setPending(undefined);
  };
  const act = (kind: KeyActionKind, key: ApiKey) => {
    if (kind === 'reveal')
      run(key, 'reveal the key', () => api.revealKey(key.id));
    else if (kind === 'changeTier') setTierKey(key);
    else if (kind === 'rename') setRenamed(key);
    else setPending({ kind, key });
  };
  // The columns are memoised (so that the table keeps its page and sort); they call the latest act.
  const actRef = useRef(act);
  actRef.current = act;

  const columns = useMemo<TableColumn<ApiKey>[]>(
    () => [
      {
        title: 'Name',
        field: 'name',
        render: key => key.name ?? '—',
      },
      ...modelColumns<ApiKey>(showModel),
      wordColumn<ApiKey>('Tier', 'tier'),
      {
        title: 'Key',
        field: 'displayPrefix',
        // A key's prefix is one token: never split across lines ("maas_O / o_S…").
        cellStyle: { whiteSpace: 'nowrap' },
        render: key => <code>{key.displayPrefix}</code>,
      },
      {
        title: 'State',
        field: 'state',
        // One line: the theme lets cells break inside a word ("revoke d") when narrow.
        cellStyle: { whiteSpace: 'nowrap' },
        render: key => <KeyStateLabel apiKey={key} />,
      },
      dateColumn<ApiKey>('Created', 'createdAt'),
      dateColumn<ApiKey>('Expires', 'expiresAt'),
      {
        title: 'Last used',
        field: 'lastUsedAt',
        render: key => <LastUse apiKey={key} />,
      },
      {
        title: 'Actions',
        sorting: false,
        render: key => (
          <KeyActions
            apiKey={key}
            userEntityRef={userEntityRef}
            busy={busy}
            onAction={kind => actRef.current(kind, key)}
          />
        ),
      },
    ],
    [showModel, busy, userEntityRef],
  );

  return (
    <>
      <ActionTable<ApiKey>
        title={title}
        columns={columns}
        rows={keys}
        pageSize={20}
        search={keys.length > 5}
        emptyContent={emptyContent}
        action={action}
        embedded={props.embedded}
        more={props.more}
        moreOf="keys"
      />
      {CONFIRMED_ACTIONS.map(kind => {
        // One dialog each, so that its title stays while it fades out.
        const confirmation = CONFIRMATIONS[kind];
        return (
          <ConfirmDialog
            key={kind}
            open={pending?.kind === kind}
            title={confirmation.title}
            confirmLabel={confirmation.label}
            busy={busy}
            onCancel={() => setPending(undefined)}
            onConfirm={() =>
              pending &&
              run(pending.key, confirmation.what, () =>
                confirmation.call(api, pending.key),
              )
            }
          >
            {pending && confirmation.body(pending.key)}
          </ConfirmDialog>
        );
      })}
      {renamed && (
        <RenameKeyDialog
          apiKey={renamed}
          onClose={() => setRenamed(undefined)}
          onRenamed={onChanged}
        />
      )}
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
