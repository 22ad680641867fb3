import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Typography } from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { ApiKey, KeyRequest } from '@maas-portal/plugin-maas-common';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { maasApiRef } from '../../api/MaasApi';
import { errorMessage } from '../ErrorAlert';
import {
  FormDialog,
  ReasonField,
  SentNotice,
  useSubmission,
} from '../FormDialog';
import { ModelLink } from '../table/ModelLink';
import { TierChoice, tierChoices, TierSelect } from '../TierSelect';

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

  const loaded = useAsync(async () => {
    if (tiers || !open) return undefined;
    return tierChoices((await api.getStatus()).tiers);
  }, [api, tiers, open]);
  const choices = (tiers ?? loaded.value)?.filter(t => t.name !== apiKey.tier);

  const submission = useSubmission(
    () => api.requestTierChange(apiKey.id, { tier, reason: reason.trim() }),
    onChanged,
  );
  const { busy, error, result } = submission;
  const canSubmit = tier !== '' && reason.trim() !== '' && !busy;

  const close = () => {
    setTier('');
    setReason('');
    submission.reset();
    onClose();
  };

  return (
    <FormDialog
      open={open}
      titleId="maas-change-tier-title"
      title={`Change the tier of key ${apiKey.displayPrefix}`}
      outcome={
        result ? (
          <SentNotice onClose={close}>
            {result.state === 'issued'
              ? `Tier changed to ${result.tier}; your key keeps working with the new limits.`
              : 'Your request waits for an approver; the key keeps its current tier until then.'}
          </SentNotice>
        ) : undefined
      }
      submitLabel="Change tier"
      canSubmit={canSubmit}
      onSubmit={submission.submit}
      onClose={close}
    >
      <Typography variant="body2">
        Current tier: <strong>{apiKey.tier}</strong> · model{' '}
        <ModelLink entityRef={apiKey.entityRef} />. The key's value does not
        change.
      </Typography>
      {!choices && loaded.loading && <Progress />}
      {!choices && loaded.error && (
        <Alert severity="error">
          Could not load the tiers: {errorMessage(loaded.error)}
        </Alert>
      )}
      {choices && choices.length === 0 && (
        <Alert severity="info">
          No other tier is configured, so this key cannot change tier. Ask a
          portal administrator to set maas.tiers.
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
      <ReasonField
        id="maas-change-tier-reason"
        value={reason}
        onChange={setReason}
        helperText="Why this key needs other limits; approvers read this."
      />
      {error && <Alert severity="error">{error}</Alert>}
    </FormDialog>
  );
}
