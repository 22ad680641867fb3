/*
 * The AuthPolicy Create model renders for an OIDC model (scaffolder-backend-module-maas authPolicy.ts,
 * oidc mode), for the tests that call such a model through the harness gateway with tokens of the
 * harness's real OpenID Connect provider (MAAS_OIDC_ISSUER).
 */
import { harnessEnv, routeAuthPolicy } from '@maas-portal/harness/testing';

/** The claims the harness provider's access tokens carry: `tier` (a list) and `preferred_username`. */
export const OIDC_CLAIMS = {
  tier: 'tier',
  userId: 'preferred_username',
} as const;

/**
 * A JWT from the harness issuer is the credential (Authorino checks its signature, issuer and
 * expiry); the first value of its `tier` claim must be one of `tiers` (else 403); the identity exposes
 * `userid` (the `preferred_username` claim, which Limitador counts by) and `tier`, which the rate
 * limits' predicates read (maas-node `tierPredicate('oidc', tier)`). Authorino's selectors are gjson
 * paths: `.0` is the first item of the claim.
 */
export function oidcModelAuthPolicy(
  model: { namespace: string; name: string },
  tiers: string[],
) {
  return routeAuthPolicy(
    { name: `${model.name}-auth`, namespace: model.namespace },
    `${model.name}-route`,
    {
      authentication: {
        'oidc-users': {
          jwt: { issuerUrl: harnessEnv('MAAS_OIDC_ISSUER') },
          credentials: { authorizationHeader: { prefix: 'Bearer' } },
        },
      },
      authorization: {
        'allow-tiers': {
          opa: {
            rego: [
              `tiers := object.get(input.auth.identity, "${OIDC_CLAIMS.tier}", [])`,
              ...tiers.map(t => `allow { tiers[_] == ${JSON.stringify(t)} }`),
            ].join('\n'),
          },
        },
      },
      response: {
        success: {
          filters: {
            identity: {
              json: {
                properties: {
                  userid: { selector: `auth.identity.${OIDC_CLAIMS.userId}` },
                  tier: { selector: `auth.identity.${OIDC_CLAIMS.tier}.0` },
                },
              },
            },
          },
        },
      },
    },
  );
}
