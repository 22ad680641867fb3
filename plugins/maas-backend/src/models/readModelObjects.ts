import { ModelView, ObjectRef } from '@maas-portal/plugin-maas-common';
import {
  AuthPolicy,
  HTTPRoute,
  InferenceService,
} from '@maas-portal/plugin-maas-node';

/** The route as found in the cluster; else the one the entity names, marked as missing; else none. */
export function routeView(
  route: HTTPRoute | undefined,
  named: ObjectRef | undefined,
): ModelView['route'] {
  if (route) {
    return {
      namespace: route.metadata.namespace!,
      name: route.metadata.name,
      found: true,
      hostnames: route.spec?.hostnames ?? [],
    };
  }
  if (named) return { ...named, found: false, hostnames: [] };
  return undefined;
}

/** How clients authenticate, from the model's AuthPolicies: API keys, OIDC tokens, or none. */
export function authModeOf(policies: AuthPolicy[]): ModelView['authMode'] {
  if (policies.length === 0) return 'none';
  const methods = policies.flatMap(p =>
    Object.values({
      ...p.spec?.rules?.authentication,
      ...p.spec?.defaults?.rules?.authentication,
      ...p.spec?.overrides?.rules?.authentication,
    }),
  );
  if (methods.some(m => m.apiKey)) return 'api-key';
  if (methods.some(m => m.jwt)) return 'oidc';
  return 'unknown';
}

/** The issuer of the first jwt authentication of the model's AuthPolicies (OIDC mode), if any. */
export function oidcIssuerOf(policies: AuthPolicy[]): string | undefined {
  for (const p of policies) {
    for (const rules of [
      p.spec?.rules,
      p.spec?.defaults?.rules,
      p.spec?.overrides?.rules,
    ]) {
      for (const method of Object.values(rules?.authentication ?? {})) {
        if (method.jwt?.issuerUrl) return method.jwt.issuerUrl;
      }
    }
  }
  return undefined;
}

/** The name clients send as `model`: vLLM's --served-model-name or the simulator's --model. */
export function servedModelName(
  isvc: InferenceService | undefined,
): string | undefined {
  const args =
    isvc?.spec?.predictor?.containers?.flatMap(c => c.args ?? []) ?? [];
  for (let i = 0; i < args.length; i++) {
    const match = /^--(?:served-model-name|model)(?:=(.+))?$/.exec(args[i]);
    if (match) return match[1] ?? args[i + 1];
  }
  return undefined;
}
