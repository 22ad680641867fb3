import { useState } from 'react';
import { errorMessage } from '../ErrorAlert';

/**
 * One call to the backend from a form: busy while it runs, its result once it answered, or the
 * backend's message when it refused (the form stays as it was, so the user may try again).
 */
export function useSubmission<T>(
  send: () => Promise<T>,
  onSent: (result: T) => void,
) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [result, setResult] = useState<T>();

  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const answer = await send();
      setResult(answer);
      onSent(answer);
    } catch (e) {
      setError(errorMessage(e as Error));
    } finally {
      setBusy(false);
    }
  };
  const reset = () => {
    setError(undefined);
    setResult(undefined);
  };
  return { busy, error, result, submit, reset };
}
