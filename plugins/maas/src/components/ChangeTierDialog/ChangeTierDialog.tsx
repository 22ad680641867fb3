import { Progress } from '@backstage/core-components';
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
  ApiKey,
  KeyRequest,
  TierDefinition,
} from '@maas-portal/plugin-maas-common';
import { FormEvent, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { maasApiRef } from '../../api/MaasApi';
import { formatRates } from '../../format/limits';
import { errorMessage } from '../ErrorAlert';
import { TierChoice } from '../RequestKeyDialog';
import { TierSelect } from '../TierSelect';

/** The portal's configured tiers (`GET /status`) as choices. */
export function configuredTierChoices(tiers: TierDefinition[]): TierChoice[] {
  return tiers.map(t => ({
    name: t.name,
    approval: t.approval,
    summary: `${formatRates([t.requests])} requests, ${formatRates([
      t.tokens,
    ])} tokens`,
  }));
}

export interface ChangeTierDialogProps {
  open: boolean;
  apiKey: ApiKey;
  /**
   * The tiers one may move to, as the Usage tab has them. Left out (or undefined while they
   * load), the dialog asks the backend for the portal's configured tiers.
   */
  tiers?: TierChoice[];
  onClose: () => void;
  /** Called once the backend accepted the change, whether applied at once or waiting. */
  onChanged: (request: KeyRequest) => void;
}

/**
 * Moves a key to another tier. An automatic tier applies at once; a manual one waits for an
 * approver. The key's value stays the same either way.
 */
export function ChangeTierDialog(props: ChangeTierDialogProps) {
  const { open, apiKey, tiers, onClose, onChanged } = props;
  const api = useApi(maasApiRef);
  const [tier, setTier] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [result, setResult] = useState<KeyRequest>();

  const loaded = useAsync(async () => {
    if (tiers || !open) return undefined;
    return configuredTierChoices((await api.getStatus()).tiers);
  }, [api, tiers, open]);
  const choices = (tiers ?? loaded.value)?.filter(t => t.name !== apiKey.tier);

  const canSubmit = tier !== '' && reason.trim() !== '' && !busy;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!canSubmit) return;
    setBusy(true);
    setError(undefined);
    try {
      const request = await api.requestTierChange(apiKey.id, {
        tier,
        reason: reason.trim(),
      });
      setResult(request);
      onChanged(request);
    } catch (e) {
      setError(errorMessage(e as Error));
    } finally {
      setBusy(false);
    }
  };

  const close = () => {
    setTier('');
    setReason('');
    setError(undefined);
    setResult(undefined);
    onClose();
  };

  return (
    <Dialog
      open={open}
      onClose={close}
      aria-labelledby="maas-change-tier-title"
      maxWidth="sm"
      fullWidth
    >
      <DialogTitle id="maas-change-tier-title">
        Change the tier of key {apiKey.displayPrefix}
      </DialogTitle>
      {result && (
        <>
          <DialogContent>
            <Alert severity="success">
              {result.state === 'issued'
                ? `Tier changed to ${result.tier}; your key keeps working with the new limits.`
                : 'Your request waits for an approver; the key keeps its current tier until then.'}
            </Alert>
          </DialogContent>
          <DialogActions>
            <Button onClick={close}>Close</Button>
          </DialogActions>
        </>
      )}
      {!result && (
        <form onSubmit={submit} noValidate>
          <DialogContent>
            <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
              <Typography variant="body2">
                Current tier: <strong>{apiKey.tier}</strong> · model{' '}
                {apiKey.model}. The key's value does not change.
              </Typography>
              {!choices && loaded.loading && <Progress />}
              {!choices && loaded.error && (
                <Alert severity="error">
                  Could not load the tiers: {errorMessage(loaded.error)}
                </Alert>
              )}
              {choices && choices.length === 0 && (
                <Alert severity="info">
                  No other tier is configured, so this key cannot change tier.
                  Ask a portal administrator to set maas.tiers.
                </Alert>
              )}
              {choices && choices.length > 0 && (
                <TierSelect
                  id="maas-change-tier-tier"
                  label="New tier"
                  tiers={choices}
                  value={tier}
                  onChange={setTier}
                  hints={{
                    auto: 'Applied at once.',
                    manual:
                      'An approver decides; until then the key keeps its current tier.',
                  }}
                />
              )}
              <TextField
                required
                multiline
                minRows={2}
                id="maas-change-tier-reason"
                label="Reason"
                value={reason}
                onChange={e => setReason(e.target.value)}
                helperText="Why this key needs other limits; approvers read this."
              />
              {error && <Alert severity="error">{error}</Alert>}
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
              Change tier
            </Button>
          </DialogActions>
        </form>
      )}
    </Dialog>
  );
}
