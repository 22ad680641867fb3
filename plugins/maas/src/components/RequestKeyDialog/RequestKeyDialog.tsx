import { useApi } from '@backstage/core-plugin-api';
import {
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  TextField,
  Typography,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import {
  CreateKeyRequestResponse,
  TierApproval,
} from '@maas-portal/plugin-maas-common';
import { FormEvent, useState } from 'react';
import { maasApiRef } from '../../api/MaasApi';
import { errorMessage } from '../ErrorAlert';
import { KeyReveal } from '../KeyReveal';
import { TierSelect } from '../TierSelect';

/** A tier a user may ask for, with what it allows. */
export interface TierChoice {
  name: string;
  approval: TierApproval;
  /** e.g. `100 per 1m requests, 10,000 per 1h tokens`. */
  summary?: string;
}

export interface RequestKeyDialogProps {
  open: boolean;
  entityRef: string;
  modelName: string;
  tiers: TierChoice[];
  onClose: () => void;
  /** Called once a request was made, whether or not a key came with it. */
  onRequested: (response: CreateKeyRequestResponse) => void;
}

/**
 * Asks for a key for one model at one tier. A tier approved automatically answers with the key,
 * shown here once; otherwise the request waits for an approver.
 */
export function RequestKeyDialog(props: RequestKeyDialogProps) {
  const { open, entityRef, modelName, tiers, onClose, onRequested } = props;
  const api = useApi(maasApiRef);
  const [tier, setTier] = useState('');
  const [reason, setReason] = useState('');
  const [expiresInDays, setExpiresInDays] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [response, setResponse] = useState<CreateKeyRequestResponse>();

  const close = () => {
    setTier('');
    setReason('');
    setExpiresInDays('');
    setError(undefined);
    setResponse(undefined);
    onClose();
  };

  const days = expiresInDays.trim() === '' ? undefined : Number(expiresInDays);
  const daysInvalid =
    days !== undefined && (!Number.isInteger(days) || days <= 0);
  const canSubmit =
    tier !== '' && reason.trim() !== '' && !daysInvalid && !busy;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!canSubmit) return;
    setBusy(true);
    setError(undefined);
    try {
      const result = await api.createKeyRequest({
        entityRef,
        tier,
        reason: reason.trim(),
        expiresInDays: days,
      });
      setResponse(result);
      onRequested(result);
    } catch (e) {
      setError(errorMessage(e as Error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open={open}
      onClose={response?.issued ? undefined : close}
      aria-labelledby="maas-request-key-title"
      maxWidth="sm"
      fullWidth
    >
      <DialogTitle id="maas-request-key-title">
        {response?.issued
          ? 'Your new API key'
          : `Request a key for ${modelName}`}
      </DialogTitle>
      {response?.issued && (
        <>
          <DialogContent>
            <KeyReveal issued={response.issued} />
          </DialogContent>
          <DialogActions>
            <Button color="primary" variant="contained" onClick={close}>
              I have stored it
            </Button>
          </DialogActions>
        </>
      )}
      {response && !response.issued && (
        <>
          <DialogContent>
            <Alert severity="success">
              Your request for tier {response.request.tier} waits for an
              approver. You will find the key under My API keys once it is
              approved.
            </Alert>
          </DialogContent>
          <DialogActions>
            <Button onClick={close}>Close</Button>
          </DialogActions>
        </>
      )}
      {!response && (
        <form onSubmit={submit} noValidate>
          <DialogContent>
            <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
              {tiers.length === 0 && (
                <Alert severity="info">
                  No tier is configured for this model, so no key can be asked
                  for. Ask a portal administrator to set maas.tiers.
                </Alert>
              )}
              <TierSelect
                id="maas-request-key-tier"
                label="Tier"
                tiers={tiers}
                value={tier}
                onChange={setTier}
                hints={{
                  auto: 'Approved at once: the key is shown when you submit.',
                  manual: 'An approver decides; the key comes afterwards.',
                }}
              />
              <TextField
                required
                multiline
                minRows={2}
                id="maas-request-key-reason"
                label="Reason"
                value={reason}
                onChange={e => setReason(e.target.value)}
                helperText="What you will use the model for; approvers read this."
              />
              <TextField
                type="number"
                id="maas-request-key-expiry"
                label="Expires in (days)"
                value={expiresInDays}
                onChange={e => setExpiresInDays(e.target.value)}
                error={daysInvalid}
                helperText={
                  daysInvalid
                    ? 'A whole number of days above 0.'
                    : 'Optional; the portal caps it and uses its default when left empty.'
                }
              />
              {error && <Alert severity="error">{error}</Alert>}
              <Typography variant="caption">Model: {modelName}</Typography>
            </Box>
          </DialogContent>
          <DialogActions>
            <Button onClick={close}>Cancel</Button>
            <Button
              type="submit"
              color="primary"
              variant="contained"
              disabled={!canSubmit}
            >
              Request key
            </Button>
          </DialogActions>
        </form>
      )}
    </Dialog>
  );
}
