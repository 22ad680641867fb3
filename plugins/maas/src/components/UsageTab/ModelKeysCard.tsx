import { InfoCard, Progress } from '@backstage/core-components';
import { Box, Button, Typography } from '@material-ui/core';
import { maasKeyRequestPermission } from '@maas-portal/plugin-maas-common';
import { usePermission } from '@backstage/plugin-permission-react';
import { useState } from 'react';
import { useKeyRequests } from '../../hooks/useKeyRequests';
import { useKeys } from '../../hooks/useKeys';
import { ErrorAlert } from '../ErrorAlert';
import { useNoWrapStyles } from '../layout/noWrap';
import { KeyRequestsTable, requesterView } from '../KeyRequestsTable';
import { KeysTable } from '../KeysTable';
import { RequestKeyDialog } from '../RequestKeyDialog';
import { TierChoice } from '../TierSelect';

export interface ModelKeysCardProps {
  entityRef: string;
  modelName: string;
  /** The tiers one may ask for; undefined while they load. */
  tiers?: TierChoice[];
  /** After a key was issued, revealed or changed here, so that the page's other key lists are read again. */
  onKeysChanged?: () => void;
}

/** The signed-in user's keys and open requests for one model, and the "Request key" button. */
export function ModelKeysCard(props: ModelKeysCardProps) {
  const { entityRef, modelName, tiers, onKeysChanged } = props;
  const [open, setOpen] = useState(false);
  const noWrap = useNoWrapStyles();
  const keys = useKeys({ entityRef, mine: true });
  const requests = useKeyRequests({ entityRef, mine: true });
  const mayRequest = usePermission({
    permission: maasKeyRequestPermission,
    resourceRef: entityRef,
  });
  const openRequests = requesterView(requests.value ?? []);
  const reload = () => {
    keys.retry();
    requests.retry();
    onKeysChanged?.();
  };

  return (
    <InfoCard
      title="Your keys"
      action={
        mayRequest.allowed && (
          <Box pt={1}>
            <Button
              color="primary"
              variant="contained"
              className={noWrap.noWrap}
              disabled={!tiers}
              onClick={() => setOpen(true)}
            >
              Request key
            </Button>
          </Box>
        )
      }
    >
      {!mayRequest.loading && !mayRequest.allowed && (
        <Typography variant="body2" paragraph>
          You may not ask for keys for this model. Ask its owner for the
          maas.key.request permission.
        </Typography>
      )}
      {keys.loading && <Progress />}
      {keys.error && <ErrorAlert error={keys.error} action="see your keys" />}
      {keys.value && (
        <KeysTable
          title="Keys"
          keys={keys.value}
          showModel={false}
          embedded
          onChanged={reload}
          // None when the model's tiers failed to load: the dialog then asks for the portal's own.
          tiers={tiers?.length ? tiers : undefined}
          emptyContent={
            <Box p={2}>
              <Typography variant="body2">
                You have no key for this model yet.
                {mayRequest.allowed && ' Use "Request key" to ask for one.'}
              </Typography>
            </Box>
          }
        />
      )}
      {openRequests.length > 0 && (
        <Box mt={2}>
          <Typography variant="subtitle1" component="h3">
            Your requests
          </Typography>
          <KeyRequestsTable
            title="Your requests"
            requests={openRequests}
            showModel={false}
            embedded
            onChanged={reload}
          />
        </Box>
      )}
      {requests.error && (
        <ErrorAlert error={requests.error} action="see your key requests" />
      )}
      {tiers && (
        <RequestKeyDialog
          open={open}
          entityRef={entityRef}
          modelName={modelName}
          tiers={tiers}
          onClose={() => {
            setOpen(false);
            reload();
          }}
          onRequested={reload}
        />
      )}
    </InfoCard>
  );
}
