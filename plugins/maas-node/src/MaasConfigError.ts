/**
 * A bad `maas.*` value; its message names the key. Thrown at start-up.
 *
 * @public
 */
export class MaasConfigError extends Error {
  name = 'MaasConfigError';
}
