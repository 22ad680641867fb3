import { ServiceUnavailableError } from '@backstage/errors';

/** PostgreSQL error classes of a lost or refused connection: 08 (connection), 57P (shutdown). */
const POSTGRES_CODES = /^(08\d{3}|57P0[1-3])$/;
const NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
]);
const MESSAGES =
  /Connection terminated|Timeout acquiring a connection|terminating connection|database system is (shutting down|starting up|in recovery mode)|Client has encountered a connection error|Connection ended unexpectedly/i;

/**
 * The answer when the key flow's database does not answer (restarted, down, out of connections):
 * a 503 naming the database and what to do, instead of a 500 with a driver message. The
 * driver's message is left out: it names the database host.
 */
export function databaseUnavailable(
  error: unknown,
): ServiceUnavailableError | undefined {
  const code = String((error as { code?: unknown })?.code ?? '');
  const message = (error as Error)?.message ?? '';
  if (
    !POSTGRES_CODES.test(code) &&
    !NODE_CODES.has(code) &&
    !MESSAGES.test(message)
  )
    return undefined;
  return new ServiceUnavailableError(
    `The portal's database (backend.database) is unreachable or restarting${
      code ? ` (${code})` : ''
    }; key requests and keys cannot be read or changed right now. Try again in a moment; an approval already recorded is finished by the portal within minutes.`,
  );
}
