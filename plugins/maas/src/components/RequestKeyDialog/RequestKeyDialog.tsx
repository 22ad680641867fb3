import { useApi } from '@backstage/core-plugin-api';
import { TextField, Typography } from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import {
  CreateKeyRequestResponse,
  KEY_NAME_RULE,
  keyNameProblem,
} from '@maas-portal/plugin-maas-common';
import { useState } from 'react';
import { maasApiRef } from '../../api/MaasApi';
import {
  FormDialog,
  ReasonField,
  SentNotice,
  useSubmission,
} from '../FormDialog';
import { KeyRevealContent } from '../KeyReveal';
import { TierChoice, TierSelect } from '../TierSelect';

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
  const [name, setName] = useState('');
  const nameProblem = keyNameProblem(name);

  const days = expiresInDays.trim() === '' ? undefined : Number(expiresInDays);
  const daysInvalid =
    days !== undefined && (!Number.isInteger(days) || days <= 0);
  const submission = useSubmission(
    () =>
      api.createKeyRequest({
        entityRef,
        tier,
        reason: reason.trim(),
        expiresInDays: days,
        name: name.trim() || undefined,
      }),
    onRequested,
  );
  const { busy, error, result: response } = submission;
  const canSubmit =
    tier !== '' &&
    reason.trim() !== '' &&
    !daysInvalid &&
    !nameProblem &&
    !busy;

  const close = () => {
    setTier('');
    setReason('');
    setExpiresInDays('');
    setName('');
    submission.reset();
    onClose();
  };

  let outcome;
  if (response?.issued) {
    outcome = <KeyRevealContent issued={response.issued} onDone={close} />;
  } else if (response) {
    outcome = (
      <SentNotice onClose={close}>
        Your request for tier {response.request.tier} waits for an approver. You
        will find the key under My API keys once it is approved.
      </SentNotice>
    );
  }

  return (
    <FormDialog
      open={open}
      titleId="maas-request-key-title"
      title={
        response?.issued ? 'Your new API key' : `Request a key for ${modelName}`
      }
      outcome={outcome}
      modal={!!response?.issued}
      submitLabel="Request key"
      canSubmit={canSubmit}
      onSubmit={submission.submit}
      onClose={close}
    >
      {tiers.length === 0 && (
        <Alert severity="info">
          No tier is configured for this model, so no key can be asked for. Ask
          a portal administrator to set maas.tiers.
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
        id="maas-request-key-name"
        label="Key name (optional)"
        value={name}
        onChange={e => setName(e.target.value)}
        error={!!nameProblem}
        inputProps={{ maxLength: KEY_NAME_RULE.maxLength + 1 }}
        helperText={
          nameProblem ??
          'To tell your keys apart, e.g. "ci-pipeline"; unique among your keys for this model.'
        }
      />
      <ReasonField
        id="maas-request-key-reason"
        value={reason}
        onChange={setReason}
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
    </FormDialog>
  );
}
