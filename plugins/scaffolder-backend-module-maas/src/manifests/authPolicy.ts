import {
  KUADRANT_KEY_SECRET,
  MAAS_KEY_LABELS,
} from '@maas-portal/plugin-maas-common';
import {
  AUTH_POLICY,
  AuthPolicyManifest,
  AuthRules,
} from '@maas-portal/plugin-maas-node';
import { modelManifest } from './modelManifest';
import { modelObjectNames } from './naming';
import { routeTarget } from './policyTarget';
import { ModelSpec, OidcAuthSpec } from './types';

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

/** How one auth mode authenticates, where it finds the tiers, and what identity it exposes. */
interface AuthMode {
  authentication: NonNullable<AuthRules['authentication']>;
  tiersExpression: string;
  identity: Record<string, string>;
}

function apiKeyMode(spec: ModelSpec): AuthMode {
  const { groupsAnnotation, userIdAnnotation, authSecretLabel } =
    KUADRANT_KEY_SECRET;
  return {
    authentication: {
      'api-key-users': {
        apiKey: {
          allNamespaces: false,
          selector: {
            matchLabels: {
              [MAAS_KEY_LABELS.model]: spec.name,
              [authSecretLabel]: 'true',
            },
          },
        },
        credentials: { authorizationHeader: { prefix: 'APIKEY' } },
      },
    },
    tiersExpression: `split(object.get(input.auth.identity.metadata.annotations, "${groupsAnnotation}", ""), ",")`,
    identity: {
      userid: annotationSelector(userIdAnnotation),
      groups: annotationSelector(groupsAnnotation),
    },
  };
}

function oidcMode(auth: OidcAuthSpec): AuthMode {
  return {
    authentication: {
      'oidc-users': {
        jwt: { issuerUrl: auth.issuerUrl },
        credentials: { authorizationHeader: { prefix: 'Bearer' } },
      },
    },
    tiersExpression: `object.get(input.auth.identity, "${auth.tierClaim}", [])`,
    identity: {
      userid: `auth.identity.${auth.userIdClaim}`,
      tier: `auth.identity.${auth.tierClaim}[0]`,
    },
  };
}

/**
 * The route-level AuthPolicy. API-key mode: only key Secrets labelled for this model, in the
 * model's namespace, are accepted; OIDC mode: a JWT from the issuer. Either way the identity
 * exposes `userid` and the tier (`groups` or `tier`) that the rate limits read, and a caller
 * without one of the model's tiers is refused rather than left unlimited.
 */
export function renderAuthPolicy(spec: ModelSpec): AuthPolicyManifest {
  const mode =
    spec.auth.type === 'api-key' ? apiKeyMode(spec) : oidcMode(spec.auth);
  const properties = Object.fromEntries(
    Object.entries(mode.identity).map(([name, selector]) => [
      name,
      { selector },
    ]),
  );
  return modelManifest<AuthPolicyManifest>(
    spec,
    AUTH_POLICY,
    { name: modelObjectNames(spec.name).authPolicy },
    {
      targetRef: routeTarget(spec),
      rules: {
        authentication: mode.authentication,
        authorization: {
          'allow-tiers': {
            opa: {
              rego: allowTiersRego(
                mode.tiersExpression,
                spec.tiers.map(t => t.name),
              ),
            },
          },
        },
        response: {
          success: { filters: { identity: { json: { properties } } } },
        },
      },
    },
  );
}
