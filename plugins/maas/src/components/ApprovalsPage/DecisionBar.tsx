import {
  Box,
  Button,
  Checkbox,
  FormControlLabel,
  TextField,
} from '@material-ui/core';
import { KeyRequest } from '@maas-portal/plugin-maas-common';
import { useState } from 'react';
import { readableModel, readableUser } from '../../format/entityRefs';
import { ConfirmDialog } from '../ConfirmDialog';
import { useNoWrapStyles } from '../layout/noWrap';
import { Decision, useDecisions } from './useDecisions';

/**
 * Select all, the comment and the two decisions. Approving goes at once; rejecting needs a
 * comment (the requesters read it as the reason) and a confirmation that names who is refused.
 */
export function DecisionBar(props: {
  chosen: KeyRequest[];
  selectable: number;
  allChosen: boolean;
  onToggleAll: () => void;
  decisions: ReturnType<typeof useDecisions>;
}) {
  const { chosen, selectable, allChosen, onToggleAll, decisions } = props;
  const noWrap = useNoWrapStyles();
  const [confirming, setConfirming] = useState(false);
  const [commentMissing, setCommentMissing] = useState(false);
  const { comment, busy } = decisions;

  const ask = (decision: Decision) => {
    if (decision === 'approve') {
      decisions.decide('approve', chosen);
      return;
    }
    if (!comment.trim()) {
      setCommentMissing(true);
      return;
    }
    setConfirming(true);
  };

  return (
    <Box display="flex" flexWrap="wrap" alignItems="center" style={{ gap: 16 }}>
      <FormControlLabel
        control={
          <Checkbox
            checked={allChosen}
            indeterminate={chosen.length > 0 && !allChosen}
            disabled={selectable === 0}
            onChange={onToggleAll}
          />
        }
        label={`Select all ${selectable} pending shown`}
      />
      <TextField
        id="maas-approvals-comment"
        label="Comment"
        value={comment}
        onChange={e => {
          decisions.setComment(e.target.value);
          setCommentMissing(false);
        }}
        size="small"
        variant="outlined"
        style={{ flexGrow: 1, minWidth: 240 }}
        error={commentMissing}
        helperText={
          commentMissing
            ? 'A rejection needs a comment: say why, the requesters read it as the reason.'
            : 'Sent to the requesters with your decision; required to reject.'
        }
      />
      <Button
        className={noWrap.noWrap}
        color="primary"
        variant="contained"
        disabled={busy || chosen.length === 0}
        onClick={() => ask('approve')}
      >
        Approve ({chosen.length})
      </Button>
      <Button
        className={noWrap.noWrap}
        color="secondary"
        variant="contained"
        disabled={busy || chosen.length === 0}
        onClick={() => ask('reject')}
      >
        Reject ({chosen.length})
      </Button>
      <ConfirmDialog
        open={confirming}
        title={`Reject ${chosen.length} key ${
          chosen.length === 1 ? 'request' : 'requests'
        }?`}
        confirmLabel="Reject"
        busy={busy}
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          decisions.decide('reject', chosen);
        }}
      >
        <Box component="ul" m={0} pl={2}>
          {chosen.map(r => (
            <li key={r.id}>
              {readableUser(r.userEntityRef)}: {r.tier} key
              {r.name ? ` "${r.name}"` : ''} for {readableModel(r.entityRef)}
            </li>
          ))}
        </Box>
        The requesters will read: “rejected: {comment.trim()}”. A decision
        cannot be undone.
      </ConfirmDialog>
    </Box>
  );
}
