/*
 * What an OIDC issuer URL may be: it lands in the AuthPolicy Authorino fetches discovery from, and
 * in the token script every user of the model copies into a shell. Create model checks it (form and
 * maas:model:render) and the backend checks the portal's own issuer (auth.providers.oidc) at start.
 */

/** Hosts on which an http issuer is accepted: a test bed on the same machine, never a network. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost']);

/** Scheme, host (letters, digits, dots, dashes), optional port, path of plain segments. */
const ISSUER_SHAPE =
  /^https?:\/\/[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?(\/[A-Za-z0-9._~%-]+)*\/?$/;

/** @public */
export const ISSUER_URL_EXAMPLE = 'https://keycloak.example.com/realms/maas';

/**
 * Why `value` is not an issuer URL the portal accepts, in words, or undefined when it is one:
 * https (http only on 127.0.0.1 or localhost), a host name, and a path of letters, digits and
 * `-._~%` only (no query, fragment, credentials, spaces or shell characters).
 *
 * @public
 */
export function issuerUrlProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '')
    return `is empty; give the issuer's URL, such as "${ISSUER_URL_EXAMPLE}"`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `is not a URL; give the issuer's URL, such as "${ISSUER_URL_EXAMPLE}"`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return `uses ${url.protocol.replace(/:$/, '')}; an issuer URL uses https`;
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname))
    return 'uses http; an issuer URL uses https (http only on 127.0.0.1 or localhost, for a test bed)';
  if (url.username || url.password)
    return 'carries a user name or password; an issuer URL has none';
  if (!ISSUER_SHAPE.test(value)) {
    const odd = [
      ...new Set(
        value.replace(/^https?:\/\//, '').replace(/[A-Za-z0-9.:/_~%-]/g, ''),
      ),
    ];
    return odd.length > 0
      ? `has characters an issuer URL cannot have (${odd
          .map(c => JSON.stringify(c))
          .join(
            ', ',
          )}); use letters, digits and - . _ ~ / only, no query or fragment`
      : `is not a plain issuer URL (scheme, host, optional port and path), such as "${ISSUER_URL_EXAMPLE}"`;
  }
  return undefined;
}
