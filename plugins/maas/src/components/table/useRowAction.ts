import { useState } from 'react';
import { errorMessage } from '../ErrorAlert';

/**
 * One action at a time on a table's rows: which row is busy, and why the last one failed
 * ("Could not revoke the key: …"), until the user dismisses it.
 */
export function useRowAction() {
  const [busyId, setBusyId] = useState<string>();
  const [error, setError] = useState<string>();

  const run = async <T>(
    rowId: string,
    what: string,
    call: () => Promise<T>,
    onDone: (result: T) => void,
  ) => {
    setBusyId(rowId);
    setError(undefined);
    try {
      onDone(await call());
    } catch (e) {
      setError(`Could not ${what}: ${errorMessage(e as Error)}`);
    } finally {
      setBusyId(undefined);
    }
  };
  return { busyId, error, run, dismissError: () => setError(undefined) };
}

export type RowAction = ReturnType<typeof useRowAction>;
