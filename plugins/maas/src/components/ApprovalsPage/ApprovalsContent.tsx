import { Box } from '@material-ui/core';
import { useState } from 'react';
import { ApprovalQueue } from './ApprovalQueue';
import { AuditHistory } from './AuditHistory';

/** The approver's screen: the queue of key requests, and the audit history below it. */
export function ApprovalsContent() {
  const [decisions, setDecisions] = useState(0);
  return (
    <Box display="flex" flexDirection="column" style={{ gap: 32 }}>
      <ApprovalQueue onDecided={() => setDecisions(n => n + 1)} />
      <AuditHistory key={decisions} />
    </Box>
  );
}
