import { useApi } from '@backstage/core-plugin-api';
import { TextField } from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import {
  ApiKey,
  KEY_NAME_RULE,
  keyNameProblem,
} from '@maas-portal/plugin-maas-common';
import { useState } from 'react';
import { maasApiRef } from '../../api/MaasApi';
import { FormDialog, useSubmission } from '../FormDialog';

export interface RenameKeyDialogProps {
  apiKey: ApiKey;
  onClose: () => void;
  onRenamed: (key: ApiKey) => void;
}

/** Names one's own key, checked as typed; an empty name clears it. */
export function RenameKeyDialog(props: RenameKeyDialogProps) {
  const { apiKey, onClose, onRenamed } = props;
  const api = useApi(maasApiRef);
  const [name, setName] = useState(apiKey.name ?? '');
  const problem = keyNameProblem(name);
  const submission = useSubmission(
    () => api.renameKey(apiKey.id, name.trim()),
    key => {
      onRenamed(key);
      onClose();
    },
  );
  const unchanged = name.trim() === (apiKey.name ?? '');
  return (
    <FormDialog
      open
      titleId="maas-rename-key-title"
      title={`Name key ${apiKey.displayPrefix}`}
      submitLabel="Save name"
      canSubmit={!problem && !unchanged && !submission.busy}
      onSubmit={submission.submit}
      onClose={onClose}
    >
      <TextField
        id="maas-rename-key-name"
        label="Key name"
        value={name}
        onChange={e => setName(e.target.value)}
        error={!!problem}
        inputProps={{ maxLength: KEY_NAME_RULE.maxLength + 1 }}
        helperText={
          problem ??
          'Unique among your keys for this model; leave empty to remove the name.'
        }
      />
      {submission.error && <Alert severity="error">{submission.error}</Alert>}
    </FormDialog>
  );
}
