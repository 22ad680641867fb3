import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Button, TableCell, TableRow, Typography } from '@material-ui/core';
import { OutsideKey } from '@maas-portal/plugin-maas-common';
import { useState } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { maasApiRef } from '../../api/MaasApi';
import { useOutsideKeys } from '../../hooks/useOutsideKeys';
import { ConfirmDialog } from '../ConfirmDialog';
import { ErrorAlert } from '../ErrorAlert';
import { HeadedTable } from '../table/HeadedTable';

/**
 * For admins: API-key Secrets the model's AuthPolicies select that the portal did not issue
 * (made by hand before the model was adopted), with revoke.
 */
export function OutsideKeysCard(props: { entityRef: string }) {
  const { entityRef } = props;
  const api = useApi(maasApiRef);
  const keys = useOutsideKeys(entityRef);
  const [target, setTarget] = useState<OutsideKey | undefined>();
  const [revocation, revoke] = useAsyncFn(
    async (name: string) => {
      await api.revokeOutsideKey(entityRef, name);
      setTarget(undefined);
      keys.retry();
    },
    [api, entityRef, keys.retry],
  );

  return (
    <InfoCard title="Keys made outside the portal">
      {keys.loading && !keys.value && <Progress />}
      {keys.error && (
        <ErrorAlert
          error={keys.error}
          action="see keys made outside the portal"
        />
      )}
      {revocation.error && (
        <ErrorAlert error={revocation.error} action="revoke this key" />
      )}
      {keys.value?.length === 0 && (
        <Typography variant="body2">
          None: every key this model accepts was issued by the portal.
        </Typography>
      )}
      {!!keys.value?.length && (
        <HeadedTable
          label="Keys made outside the portal"
          headings={['Secret', 'User', 'Tier', 'Created', '']}
        >
          {keys.value.map(key => (
            <TableRow key={key.name}>
              <TableCell>
                {key.namespace}/{key.name}
              </TableCell>
              <TableCell>{key.userId ?? '—'}</TableCell>
              <TableCell>{key.groups ?? '—'}</TableCell>
              <TableCell>{key.createdAt?.slice(0, 10) ?? '—'}</TableCell>
              <TableCell align="right">
                <Button size="small" onClick={() => setTarget(key)}>
                  Revoke
                </Button>
              </TableCell>
            </TableRow>
          ))}
        </HeadedTable>
      )}
      <ConfirmDialog
        open={!!target}
        title="Revoke a key made outside the portal"
        confirmLabel="Revoke"
        busy={revocation.loading}
        onConfirm={() => target && revoke(target.name)}
        onCancel={() => setTarget(undefined)}
      >
        The Secret {target?.namespace}/{target?.name} is deleted; whoever uses
        that key gets 401 from the gateway.
      </ConfirmDialog>
    </InfoCard>
  );
}
