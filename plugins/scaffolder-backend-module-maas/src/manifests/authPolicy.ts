import {
  KUADRANT_KEY_SECRET,
  MAAS_KEY_LABELS,
} from '@maas-portal/plugin-maas-common';
import { modelLabels, modelObjectNames } from './naming';
import { routeTarget } from './policyTarget';
import { AuthPolicy, ModelSpec } from './types';

/** Authorino selector for an annotation of the key Secret (dots in the key escaped). */
function annotationSelector(key: string): string {
  return `auth.identity.metadata.annotations.${key.replace(/\./g, '\\.')}`;
}

/** Rego that allows a caller only when one of `values` is one of the model's tiers. */
function allowTiersRego(valuesExpression: string, tiers: string[]): string {
  return [
    `tiers := ${valuesExpression}`,
    ...tiers.map(tier => `allow { tiers[_] == ${JSON.stringify(tier)} }`),
  ].join('\n');
}

/**
 * The route-level AuthPolicy. API-key mode: only key Secrets labelled for this model, in the
 * model's namespace, are accepted; OIDC mode: a JWT from the issuer. Either way the identity
 * exposes `userid` and the tier (`groups` or `tier`) that the rate limits read, and a caller
 * without one of the model's tiers is refused rather than left unlimited.
 */
export function renderAuthPolicy(spec: ModelSpec): AuthPolicy {
  const names = modelObjectNames(spec.name);
  const tiers = spec.tiers.map(t => t.name);
  const metadata = {
    name: names.authPolicy,
    namespace: spec.namespace,
    labels: modelLabels(spec),
  };

  if (spec.auth.type === 'api-key') {
    return {
      apiVersion: 'kuadrant.io/v1',
      kind: 'AuthPolicy',
      metadata,
      spec: {
        targetRef: routeTarget(spec),
        rules: {
          authentication: {
            'api-key-users': {
              apiKey: {
                allNamespaces: false,
                selector: {
                  matchLabels: {
                    [MAAS_KEY_LABELS.model]: spec.name,
                    [KUADRANT_KEY_SECRET.authSecretLabel]: 'true',
                  },
                },
              },
              credentials: { authorizationHeader: { prefix: 'APIKEY' } },
            },
          },
          authorization: {
            'allow-tiers': {
              opa: {
                rego: allowTiersRego(
                  `split(object.get(input.auth.identity.metadata.annotations, "${KUADRANT_KEY_SECRET.groupsAnnotation}", ""), ",")`,
                  tiers,
                ),
              },
            },
          },
          response: {
            success: {
              filters: {
                identity: {
                  json: {
                    properties: {
                      userid: {
                        selector: annotationSelector(
                          KUADRANT_KEY_SECRET.userIdAnnotation,
                        ),
                      },
                      groups: {
                        selector: annotationSelector(
                          KUADRANT_KEY_SECRET.groupsAnnotation,
                        ),
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    };
  }

  const claim = spec.auth.tierClaim;
  return {
    apiVersion: 'kuadrant.io/v1',
    kind: 'AuthPolicy',
    metadata,
    spec: {
      targetRef: routeTarget(spec),
      rules: {
        authentication: {
          'oidc-users': {
            jwt: { issuerUrl: spec.auth.issuerUrl },
            credentials: { authorizationHeader: { prefix: 'Bearer' } },
          },
        },
        authorization: {
          'allow-tiers': {
            opa: {
              rego: allowTiersRego(
                `object.get(input.auth.identity, "${claim}", [])`,
                tiers,
              ),
            },
          },
        },
        response: {
          success: {
            filters: {
              identity: {
                json: {
                  properties: {
                    userid: {
                      selector: `auth.identity.${spec.auth.userIdClaim}`,
                    },
                    tier: { selector: `auth.identity.${claim}[0]` },
                  },
                },
              },
            },
          },
        },
      },
    },
  };
}
