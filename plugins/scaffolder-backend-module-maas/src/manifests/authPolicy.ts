import {
  KUADRANT_KEY_SECRET,
  MAAS_KEY_LABELS,
} from '@maas-portal/plugin-maas-common';
import {
  AUTH_POLICY,
  AuthPolicyManifest,
  AuthRules,
  KeyModelRef,
  modelKeySelector,
  UNEXPIRED_KEY_RULE,
  unexpiredKeyRule,
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

const API_KEY_AUTHENTICATION = 'api-key-users';

/** How one auth mode authenticates, where it finds the tiers, and what identity it exposes. */
interface AuthMode {
  authentication: NonNullable<AuthRules['authentication']>;
  /** Authorization rules of this mode besides the tier check. */
  authorization: NonNullable<AuthRules['authorization']>;
  tiersExpression: string;
  identity: Record<string, string>;
}

function apiKeyMode(spec: ModelSpec): AuthMode {
  const { groupsAnnotation, userIdAnnotation } = KUADRANT_KEY_SECRET;
  return {
    authentication: {
      [API_KEY_AUTHENTICATION]: {
        apiKey: {
          // Key Secrets live in the Kuadrant namespace (maas.keys.namespace), where
          // kuadrant-operator writes the AuthConfig and Authorino then reads Secrets.
          allNamespaces: false,
          selector: {
            matchLabels: modelKeySelector({
              namespace: spec.namespace,
              name: spec.name,
            }),
          },
        },
        credentials: { authorizationHeader: { prefix: 'APIKEY' } },
      },
    },
    // A key past its Secret's expires-at is refused per request, even while the key task is late.
    authorization: { [UNEXPIRED_KEY_RULE]: unexpiredKeyRule() },
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
    // Authorino refuses an expired JWT itself (its `exp`).
    authorization: {},
    tiersExpression: `object.get(input.auth.identity, "${auth.tierClaim}", [])`,
    identity: {
      userid: `auth.identity.${auth.userIdClaim}`,
      // Authorino's selectors are gjson paths: `.0` is the first item (`[0]` gives nil, and the
      // tier limits then never match: the harness's Authorino proved it, oidcModel.cluster.test.ts).
      tier: `auth.identity.${auth.tierClaim}.0`,
    },
  };
}

/**
 * The route-level AuthPolicy. API-key mode: only key Secrets labelled for this model (its
 * namespace and name; the InferenceService's UID is added when the portal applies the model, see
 * {@link bindKeySelectorToModel}), in the Kuadrant namespace, are accepted; OIDC mode: a JWT from the issuer. Either way the identity
 * exposes `userid` and the tier (`groups` or `tier`) that the rate limits read, and a caller
 * without one of the model's tiers is refused rather than left unlimited; an API key past its
 * expiry is refused (maas-node's `unexpiredKeyRule`).
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
          ...mode.authorization,
        },
        response: {
          success: { filters: { identity: { json: { properties } } } },
        },
      },
    },
  );
}

/**
 * An API-key AuthPolicy of the suite bound to its model's InferenceService as it now exists: the
 * key selector gains the InferenceService's UID, so that a model deleted and made again under the
 * same name never accepts the old model's keys. The UID exists only once the InferenceService
 * does, so the apply action calls this right before it applies the AuthPolicy (after the
 * InferenceService). `readUid` gives undefined while the InferenceService is missing: the policy
 * is then applied as rendered. Any other object comes back unchanged.
 */
export async function bindKeySelectorToModel<T extends object>(
  object: T,
  readUid: (model: KeyModelRef) => Promise<string | undefined>,
): Promise<T> {
  const policy = object as Partial<AuthPolicyManifest>;
  const apiKey =
    policy.kind === AUTH_POLICY.kind
      ? policy.spec?.rules?.authentication?.[API_KEY_AUTHENTICATION]?.apiKey
      : undefined;
  const labels = apiKey?.selector?.matchLabels;
  const name = labels?.[MAAS_KEY_LABELS.model];
  const namespace = labels?.[MAAS_KEY_LABELS.modelNamespace];
  if (!apiKey || !name || !namespace) return object;
  const uid = await readUid({ namespace, name });
  if (!uid) return object;
  const bound = structuredClone(policy) as AuthPolicyManifest;
  bound.spec.rules.authentication![API_KEY_AUTHENTICATION].apiKey!.selector = {
    matchLabels: modelKeySelector({ namespace, name, uid }),
  };
  return bound as T;
}
