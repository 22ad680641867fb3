import { KUADRANT_KEY_SECRET } from '@maas-portal/plugin-maas-common';

/**
 * The name of the authorization rule in an API-key model's AuthPolicy that refuses expired keys.
 *
 * @public
 */
export const UNEXPIRED_KEY_RULE = 'unexpired-key';

/**
 * The authorization rule (Authorino OPA, evaluated on every request) that refuses a key whose
 * Secret's `secret.kuadrant.io/expires-at` (RFC 3339, as the portal and Kuadrant's developer portal
 * write it) has passed. The portal's key task also expires keys and deletes their Secrets, but only
 * once a minute and only while the portal runs; this rule makes the expiry hold at the gateway
 * whatever the task does. A Secret without the annotation (a key made by hand, or by a portal
 * release that did not write it) is left to the task: refusing it would break every such key at
 * once. An annotation that is no RFC 3339 time refuses the key (the rego then has no `allow`).
 *
 * @public
 */
export function unexpiredKeyRule(): { opa: { rego: string } } {
  const { expiresAtAnnotation } = KUADRANT_KEY_SECRET;
  return {
    opa: {
      rego: [
        `expires_at := object.get(input.auth.identity.metadata.annotations, "${expiresAtAnnotation}", "")`,
        'allow { expires_at == "" }',
        'allow { time.now_ns() < time.parse_rfc3339_ns(expires_at) }',
      ].join('\n'),
    },
  };
}
